/** `npm run bench -- [name…]`: runs the named benchmarks (all when none is named). Prints; never fails a test. */
import { benchCheck } from './check.bench.js';
import { benchCounts } from './counts.bench.js';
import { benchFloor } from './floor.bench.js';
import { benchImport } from './import.bench.js';
import { benchIndexes } from './indexes.bench.js';
import { benchIngest } from './ingest.bench.js';
import { benchKeys } from './keys.bench.js';
import { benchLog } from './log.bench.js';
import { benchMerkle } from './merkle.bench.js';
import { benchPrepare } from './prepare.bench.js';
import { benchScan } from './scan.bench.js';
import { benchSingle } from './single.bench.js';
import { benchStatus } from './status.bench.js';
import { benchWebhook } from './webhook.bench.js';
import { benchWriter } from './writer.bench.js';

const BENCHMARKS: Record<string, (flags: string[]) => Promise<void>> = {
  ingest: benchIngest,
  check: benchCheck,
  webhook: benchWebhook,
  import: benchImport,
  scan: benchScan,
  indexes: benchIndexes,
  log: benchLog,
  status: benchStatus,
  single: benchSingle,
  counts: benchCounts,
  writer: benchWriter,
  prepare: benchPrepare,
  keys: benchKeys,
  merkle: benchMerkle,
  floor: benchFloor,
};

const args = process.argv.slice(2);
/** `--flag`s go to every benchmark named (e.g. `ingest --parallel`). */
const flags = args.filter((a) => a.startsWith('--'));
const requested = args.filter((a) => !a.startsWith('--'));
const names = requested.length > 0 ? requested : Object.keys(BENCHMARKS);
for (const name of names) {
  const bench = BENCHMARKS[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; available: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  await bench(flags);
}
process.exit(0);
