/**
 * `npm run bench -- keys`: the read paths that look up a list of recipients by blind index — the gateway's
 * look-up of the addresses its index has not seen (findStates) and a provider's "which of these hold ONAY"
 * (findKeysWithStatus) — 1000 keys a call, as a bulk check or request sends them, on the real database.
 * Prints the CPU per call of this process (building the key list, the answer), median and least of the
 * rounds; the keys are absent, so PostgreSQL's share is the index probes alone.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../src/db/types.js';
import { createConsentRepository } from '../src/repositories/consent.repository.js';
import { createGatewayRepository } from '../src/repositories/gateway.repository.js';
import { prepareDatabase } from '../src/runtime.js';
import { createBenchDatabase } from './bench-database.js';
import { ownCpuMicros } from './cpu.js';
import { medianAndLeast } from './stats.js';

const KEYS = 1000;
const CALLS_PER_ROUND = 100;
const ROUNDS = 12;

export async function benchKeys(): Promise<void> {
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
  });
  try {
    const gateway = createGatewayRepository(db);
    const consents = createConsentRepository(db);
    const keys = Array.from({ length: KEYS }, () => randomBytes(32));
    const measure = async (call: () => Promise<unknown>): Promise<string> => {
      const rounds: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const used = await ownCpuMicros(async () => {
          for (let i = 0; i < CALLS_PER_ROUND; i++) await call();
        });
        if (round >= 2) rounds.push(used / CALLS_PER_ROUND); // 2 rounds warm the JIT
      }
      return `${medianAndLeast(rounds, 0)} µs`;
    };
    console.log(`keys: ${KEYS} blind indexes a call, CPU per call of this process`);
    console.log(
      `  gateway findStates:           ${await measure(() => gateway.findStates(1, 'MESAJ', keys))}`,
    );
    console.log(
      `  consents findKeysWithStatus:  ${await measure(() => consents.findKeysWithStatus(1, 'BIREYSEL', 'MESAJ', 'ONAY', keys))}`,
    );
  } finally {
    await db.destroy();
    await database.close();
  }
}
