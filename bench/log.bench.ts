/**
 * The transparency log (issue 12), beside the ingest rate of the same run:
 *  1. integration capacity: `--leaves N` events (default 1 M) preloaded in SQL, then sequenced by the
 *     sequencer's own integrate() back to back — leaves per second, each batch signed;
 *  2. proof cost at that size: inclusion and consistency proofs for random leaves and sizes, through the
 *     service (its database reads included), p50 and p99;
 *  3. under load: 200k consents through the bulk API from another process while a worker process applies
 *     them and runs the sequencer; the applied rate, and how long a movement waits for the first signed
 *     head holding it (p50/p99), two ways: from commit, for single consents posted every 100 ms beside the
 *     load (the API answers right after its commit, so this is commit → head to within a millisecond), and
 *     from recording, for every bulk movement (its creation time is taken when its group-commit transaction
 *     starts, so this adds that transaction's duration: an upper bound).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { formatWireDate } from '../src/domain/wire-date.js';
import { createSystem, SANDBOX_MESSAGING } from '../src/system.js';
import { startBenchServer } from './bench-database.js';
import { preloadTo } from './ingest.bench.js';
import { cpuPerRow, sampleCpu } from './cpu.js';
import { percentile } from './stats.js';
import { nodeArgs } from './entry-point.js';

const LOAD = Number(process.env.BENCH_INGEST_TOTAL ?? 200_000);
const PROOFS = 1000;

const rate = (n: number) => Math.round(n).toLocaleString('en');

export async function benchLog(flags: string[] = []): Promise<void> {
  const leavesFlag = flags.find((f) => f.startsWith('--leaves='));
  const leaves = leavesFlag ? Number(leavesFlag.split('=')[1]) : 1_000_000;
  const masterKey = randomBytes(32);
  const api = await startBenchServer({ workers: false, masterKey });
  const pool = new pg.Pool({ connectionString: api.databaseUrl, max: 2 });
  await pool.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  const log = api.system.transparencyLog;
  await log.integrate(); // the signed empty tree
  const { rows: brands } = await pool.query<{ id: number }>(
    `SELECT id FROM brands WHERE brand_code = 700010`,
  );

  // 1. Integration capacity.
  await preloadTo(pool, brands[0]!.id, leaves);
  let integrated = 0;
  const started = performance.now();
  const integrationCpu = sampleCpu();
  for (let n = await log.integrate(); n > 0; n = await log.integrate()) integrated += n;
  const integrationRate = integrated / ((performance.now() - started) / 1000);
  const integrationCpuPerLeaf = cpuPerRow(integrationCpu, sampleCpu(), integrated);
  const heads = Number((await pool.query(`SELECT count(*) AS n FROM log_heads`)).rows[0].n);

  // 2. Proofs at that size.
  const size = integrated;
  const picks = Array.from({ length: PROOFS }, () => Math.floor(Math.random() * size));
  const { rows: leafRows } = await pool.query<{ leaf_hash: Buffer }>(
    `SELECT leaf_hash FROM log_leaves WHERE leaf_index = ANY($1::bigint[])`,
    [picks],
  );
  const inclusion: number[] = [];
  for (const row of leafRows) {
    const t0 = performance.now();
    await log.inclusion(row.leaf_hash, size);
    inclusion.push(performance.now() - t0);
  }
  const consistency: number[] = [];
  for (const first of picks.slice(0, 200)) {
    const t0 = performance.now();
    await log.consistency(Math.max(1, first), size);
    consistency.push(performance.now() - t0);
  }

  // 3. Under load: the API process accepts, a worker process applies and sequences.
  const worker = await createSystem({
    databaseUrl: api.databaseUrl,
    masterKey,
    logger: pino({ level: 'warn' }),
    messaging: SANDBOX_MESSAGING,
    serve: false,
  });
  const loadStart = performance.now();
  const treeBefore = Number((await pool.query(`SELECT tree_size FROM log_cursor`)).rows[0].tree_size);
  const probes: Array<{ transactionId: string; committedBy: number }> = [];
  let loading = true;
  const probing = (async () => {
    for (let n = 0; loading; n++) {
      const response = await fetch(`${api.base}/sps/700001/brands/700011/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.demoToken}` },
        body: JSON.stringify({
          recipient: `+90533${String(n).padStart(7, '0')}`,
          recipientType: 'BIREYSEL',
          type: 'MESAJ',
          status: 'ONAY',
          source: 'HS_WEB',
          consentDate: formatWireDate(new Date(Date.now() - 120_000)),
        }),
      });
      const committedBy = Date.now();
      if (response.status === 200)
        probes.push({ transactionId: (await response.json()).transactionId, committedBy });
      await sleep(100);
    }
  })();
  await promisify(execFile)(
    process.execPath,
    [...nodeArgs('bench/ingest-load'), api.base, api.demoToken, String(LOAD), '4'],
    { maxBuffer: 1024 * 1024 },
  );
  while ((await api.system.bulk.countUnfinished()) > 0) await sleep(20);
  loading = false;
  await probing;
  const appliedRate = LOAD / ((performance.now() - loadStart) / 1000);
  const treeAtApplied = Number((await pool.query(`SELECT tree_size FROM log_cursor`)).rows[0].tree_size);
  const events = Number((await pool.query(`SELECT count(*) AS n FROM consent_events`)).rows[0].n);
  while (Number((await pool.query(`SELECT tree_size FROM log_cursor`)).rows[0].tree_size) < events)
    await sleep(50);
  const { rows: delays } = await pool.query<{ p50: number; p99: number; max: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY d) AS p99,
            max(d) AS max
     FROM (SELECT extract(epoch FROM (SELECT h.signed_at FROM log_heads h WHERE h.tree_size > l.leaf_index
                                      ORDER BY h.tree_size LIMIT 1) - e.creation_date) * 1000 AS d
           FROM log_leaves l JOIN consent_events e ON e.id = l.event_id WHERE e.recipient_type = 'BIREYSEL') delays`,
  );
  const delay = delays[0]!;
  const { rows: heads2 } = await pool.query<{ transaction_id: string; signed_at: Date }>(
    `SELECT e.transaction_id, (SELECT h.signed_at FROM log_heads h WHERE h.tree_size > l.leaf_index
                               ORDER BY h.tree_size LIMIT 1) AS signed_at
     FROM consent_events e JOIN log_leaves l ON l.event_id = e.id WHERE e.transaction_id = ANY($1::text[])`,
    [probes.map((p) => p.transactionId)],
  );
  const signedAt = new Map(heads2.map((r) => [r.transaction_id, r.signed_at.getTime()]));
  const fromCommit = probes.map((p) => signedAt.get(p.transactionId)! - p.committedBy);

  console.log(
    `log: ${rate(size)} leaves preloaded and sequenced, then ${rate(LOAD)} consents through the bulk API`,
  );
  console.log(
    `  integration capacity     : ${rate(integrationRate)} leaves/s (${heads} signed heads) — ${integrationCpuPerLeaf}`,
  );
  console.log(
    `  inclusion proof at ${rate(size)} : p50 ${percentile(inclusion, 0.5).toFixed(2)} ms, p99 ${percentile(inclusion, 0.99).toFixed(2)} ms (target < 10 ms)`,
  );
  console.log(
    `  consistency proof        : p50 ${percentile(consistency, 0.5).toFixed(2)} ms, p99 ${percentile(consistency, 0.99).toFixed(2)} ms`,
  );
  console.log(`  bulk API applied         : ${rate(appliedRate)} rows/s, sequencer running beside it`);
  console.log(
    `  log behind at applied    : ${rate(LOAD - (treeAtApplied - treeBefore))} leaves (caught up after)`,
  );
  console.log(
    `  commit → signed head     : p50 ${percentile(fromCommit, 0.5)} ms, p99 ${percentile(fromCommit, 0.99)} ms (${fromCommit.length} single consents beside the load)`,
  );
  console.log(
    `  recorded → signed head   : p50 ${Math.round(delay.p50)} ms, p99 ${Math.round(delay.p99)} ms, max ${Math.round(delay.max)} ms`,
  );
  console.log(
    `integration capacity / ingest applied = ${(integrationRate / appliedRate).toFixed(1)} (the log's headroom)`,
  );
  await worker.close();
  await pool.end();
  await api.close();
}
