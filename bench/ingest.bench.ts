/**
 * Ingest: consents per second through the bulk API (HTTP → validation → encryption → durable request →
 * pg-boss worker → rules → event log + projection), against the raw baseline of the same rows written with
 * one INSERT … SELECT FROM unnest(…) ON CONFLICT per 1000 rows into a bare table on the same database.
 * The product applies with one writer, so the ratio is taken against the baseline with one writer (the
 * baseline with the load's concurrency is printed beside it). The load comes from a separate process
 * (bench/ingest-load.ts); CPU per row is printed for Node (this server process) and PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { formatWireDate } from '../src/domain/wire-date.js';
import { prepareDatabase } from '../src/runtime.js';
import { createSystem, SANDBOX_MESSAGING } from '../src/system.js';
import { createBenchDatabase, runWithConcurrency, startBenchServer } from './bench-database.js';
import { cpuPerRow, sampleCpu } from './cpu.js';
import { startStatementCpu } from './statement-cpu.js';
import { statementsProfile } from './statements.js';
import { percentile } from './stats.js';
import { nodeArgs } from './entry-point.js';

const TOTAL = Number(process.env.BENCH_INGEST_TOTAL ?? 200_000);
const BATCH = 1000;
const IN_FLIGHT = 4;
/** Accept threads of the server: 0, the default on 2 cores (config.ts); BENCH_ACCEPT_THREADS=1 compares. */
const ACCEPT_THREADS = Number(process.env.BENCH_ACCEPT_THREADS ?? 0);

/** The raw baseline with `writers` connections, into a fresh bare table; rows per second and CPU. */
export async function rawBaseline(
  pool: pg.Pool,
  writers: number,
  run = 0,
  rows = TOTAL,
): Promise<{ rate: number; cpu: string }> {
  const table = `raw_consents_${writers}_${run}`;
  await pool.query(`CREATE TABLE ${table} (
    recipient text, recipient_type text, type text, status text, source text, consent_date timestamptz,
    PRIMARY KEY (recipient, recipient_type, type))`);
  const consentDate = `${formatWireDate(new Date(Date.now() - 120_000))}+03`;
  const cpu = sampleCpu();
  const started = performance.now();
  await runWithConcurrency(
    Array.from({ length: rows / BATCH }, (_, b) => () => {
      const recipients = Array.from(
        { length: BATCH },
        (_, i) => `+90532${String(b * BATCH + i).padStart(7, '0')}`,
      );
      return pool.query(
        `INSERT INTO ${table} SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         ON CONFLICT (recipient, recipient_type, type) DO UPDATE SET status = EXCLUDED.status`,
        [
          recipients,
          recipients.map(() => 'BIREYSEL'),
          recipients.map(() => 'MESAJ'),
          recipients.map(() => 'ONAY'),
          recipients.map(() => 'HS_WEB'),
          recipients.map(() => consentDate),
        ],
      );
    }),
    writers,
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: rows / seconds, cpu: cpuPerRow(cpu, sampleCpu(), rows) };
}

/**
 * `--stored`: the registry's size before each measured load (rows of consents, each with its movement);
 * BENCH_STORED="1000000,3000000" measures other sizes.
 */
const STORED_STEPS = (process.env.BENCH_STORED ?? '1000000,10000000').split(',').map(Number);
const PRELOAD_CHUNK = 500_000;

/**
 * Fills the registry up to `target` consents of the demo brand, straight in SQL: traders' consents (no
 * notice), random blind indexes, one movement each, with triggers off for this session (a superuser's
 * `session_replication_role`), so no wake is sent per chunk. What the measured load then pays is what a
 * registry of that size costs: deeper and colder random-key indexes. The transparency log's sequencer
 * integrates the preloaded events, and the gateway index reads them, before the load is measured.
 */
export async function preloadTo(pool: pg.Pool, brandId: number, target: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM consents WHERE recipient_type = 'TACIR'`,
      );
      const stored = Number(rows[0]!.n);
      if (stored >= target) break;
      const size = Math.min(PRELOAD_CHUNK, target - stored);
      await client.query(
        `WITH generated AS (
           SELECT sha256(int8send(g) || 'preload'::bytea) AS k, g FROM generate_series($1::bigint, $2::bigint) g
         ), recipients_added AS (
           INSERT INTO recipients (recipient_key, address_enc, kind)
           SELECT k, gen_random_bytes(60), 'phone' FROM generated ON CONFLICT DO NOTHING
         ), events AS (
           INSERT INTO consent_events (transaction_id, brand_id, recipient_key, recipient_type, type, status,
             source, consent_date, creation_date, actor_kind, actor_id, leaf_hash)
           SELECT encode(sha256(k), 'hex'), $3, k, 'TACIR', 'MESAJ', 'ONAY', 'HS_WEB', now(), now(),
                  'provider', '1', sha256(k || 'leaf'::bytea)
           FROM generated RETURNING id, recipient_key, transaction_id
         )
         INSERT INTO consents (recipient_key, brand_id, recipient_type, type, status, source, consent_date,
           creation_date, transaction_id, last_event_id)
         SELECT recipient_key, $3, 'TACIR', 'MESAJ', 'ONAY', 'HS_WEB', now(), now(), transaction_id, id
         FROM events`,
        [stored, stored + size - 1, brandId],
      );
      // The consent counts' triggers are off with the others (migration 0042): the chunk is counted here.
      await client.query(`INSERT INTO consent_counts (brand_id, status, n) VALUES ($1, 'ONAY', $2)`, [
        brandId,
        size,
      ]);
    }
    // Vacuumed and analysed before measuring, as a registry is in its steady state: otherwise autovacuum's
    // first pass over millions of new rows runs during the measurement (it took 0.35× at 10 M).
    await client.query('VACUUM (ANALYZE) consents, consent_events, recipients');
    await client.query('CHECKPOINT');
  } finally {
    client.release();
  }
}

/**
 * Waits until the transparency log's sequencer has integrated every event (the steady state); returns how
 * many leaves it added meanwhile, and how long that took.
 */
async function logCaughtUp(pool: pg.Pool): Promise<{ leaves: number; seconds: number }> {
  const started = performance.now();
  const size = async () => Number((await pool.query(`SELECT tree_size FROM log_cursor`)).rows[0].tree_size);
  const from = await size();
  const events = Number((await pool.query(`SELECT count(*) AS n FROM consent_events`)).rows[0].n);
  while ((await size()) < events) await sleep(200);
  return { leaves: events - from, seconds: (performance.now() - started) / 1000 };
}

/** Each write-path table's size with its indexes, per row of `consents` (one movement each here). */
async function storagePerRow(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ name: string; bytes: string }>(
    `SELECT t AS name, (pg_total_relation_size(t) / (SELECT count(*) FROM consents))::bigint AS bytes
     FROM unnest(ARRAY['consents', 'consent_events', 'recipients']) t`,
  );
  return rows.map((r) => `${r.name} ${r.bytes} B`).join(', ');
}

export async function benchIngest(flags: string[] = []): Promise<void> {
  if (flags.includes('--parallel')) return benchParallelApply();
  const repeat = repeatOf(flags);
  const steps = flags.includes('--stored') ? STORED_STEPS : Array.from({ length: repeat }, () => 0);
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined); // migrations and job queues, as `npm start` does

  const pool = new pg.Pool({ connectionString: database.url, max: IN_FLIGHT });
  await pool.query('CREATE EXTENSION IF NOT EXISTS pgcrypto'); // gen_random_bytes, for the preload
  let oneWriter = await rawBaseline(pool, 1);
  const manyWriters = await rawBaseline(pool, IN_FLIGHT);

  // Through the API, over real HTTP, from another process.
  const system = await createSystem({
    databaseUrl: database.url,
    masterKey: randomBytes(32),
    logger: pino({ level: 'warn' }),
    messaging: SANDBOX_MESSAGING,
    // Measures the write path, not the per-user request budget.
    apiRequestsPerSecond: 1e6,
    acceptThreads: ACCEPT_THREADS,
  });
  await system.providerAdmin.seedDemo();
  const url = await system.app.listen({ port: 0, host: '127.0.0.1' });
  const tokenResponse = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: 'demo', password: 'demo-password-123' }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const { rows: brands } = await pool.query<{ id: number }>(
    `SELECT id FROM brands WHERE brand_code = 700010`,
  );

  const rate = (n: number) => Math.round(n).toLocaleString('en');
  console.log(
    `ingest: ${TOTAL} consents, ${BATCH} per request, ${IN_FLIGHT} requests in flight from another process, ` +
      `${ACCEPT_THREADS} accept thread(s)`,
  );
  console.log(`  raw unnest insert, 1 writer  : ${rate(oneWriter.rate)} rows/s — ${oneWriter.cpu}`);
  console.log(
    `  raw unnest insert, ${IN_FLIGHT} writers : ${rate(manyWriters.rate)} rows/s — ${manyWriters.cpu}`,
  );
  const statements = flags.includes('--statements') ? await statementsProfile(pool) : undefined;
  const applied: number[] = [];
  const ratios: number[] = [];
  for (const [step, stored] of steps.entries()) {
    if (step > 0 && repeat > 1) {
      // Each repeat takes its own baseline just before it, so a pair shares the machine's state of the moment.
      oneWriter = await rawBaseline(pool, 1, step);
      console.log(`  raw unnest insert, 1 writer  : ${rate(oneWriter.rate)} rows/s — ${oneWriter.cpu}`);
    }
    if (stored > 0) {
      await preloadTo(pool, brands[0]!.id, stored);
      const { leaves, seconds } = await logCaughtUp(pool);
      console.log(
        `  transparency log caught up    : ${rate(leaves)} leaves in ${seconds.toFixed(1)} s (${rate(leaves / seconds)} leaves/s)`,
      );
      // The gateway index reads the preloaded movements from the log too; measured once it has them all.
      const indexStarted = performance.now();
      const consents = Number((await pool.query(`SELECT count(*) AS n FROM consents`)).rows[0].n);
      while (system.gateway.index.size < consents) await sleep(200);
      console.log(
        `  gateway index caught up       : ${rate(consents)} consents in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`,
      );
    }
    await statements?.reset();
    const statementCpu = flags.includes('--statement-cpu')
      ? await startStatementCpu(database.url)
      : undefined;
    const cpu = sampleCpu();
    const apiStart = performance.now();
    const load = await promisify(execFile)(
      process.execPath,
      [...nodeArgs('bench/ingest-load'), url, token, String(TOTAL), String(IN_FLIGHT), String(step * TOTAL)],
      { maxBuffer: 1024 * 1024 },
    );
    const acceptedSeconds = (JSON.parse(load.stdout.trim().split('\n').pop()!) as { seconds: number })
      .seconds;
    while ((await system.bulk.countUnfinished()) > 0) await sleep(20);
    const apiSeconds = (performance.now() - apiStart) / 1000;
    const apiCpu = cpuPerRow(cpu, sampleCpu(), TOTAL);
    await statements?.print(TOTAL); // before the checks below, which are not the load's
    await statementCpu?.print(TOTAL);
    const found = Number(
      (await pool.query(`SELECT count(*) AS n FROM consents WHERE recipient_type = 'BIREYSEL'`)).rows[0].n,
    );
    if (found !== (step + 1) * TOTAL)
      throw new Error(`expected ${(step + 1) * TOTAL} consents, found ${found}`);

    const apiRate = TOTAL / apiSeconds;
    applied.push(apiRate);
    const label = stored > 0 ? ` (${rate(stored)} stored)` : '';
    console.log(
      `  bulk API accepted${label.padEnd(12)}: ${rate(TOTAL / acceptedSeconds)} rows/s (${acceptedSeconds.toFixed(2)} s, durable)`,
    );
    console.log(
      `  bulk API applied${label.padEnd(13)}: ${rate(apiRate)} rows/s (${apiSeconds.toFixed(2)} s) — ${apiCpu}`,
    );
    if (stored > 0) console.log(`  storage per stored consent   : ${await storagePerRow(pool)}`);
    ratios.push(apiRate / oneWriter.rate);
    console.log(
      `ingest ratio${label} = applied / raw with one writer (the product's) = ${(apiRate / oneWriter.rate).toFixed(3)} ` +
        `(target ≥ 0.2); against ${IN_FLIGHT} writers ${(apiRate / manyWriters.rate).toFixed(3)}`,
    );
  }
  if (repeat > 1) {
    console.log(
      `ingest ratio, median of ${repeat} interleaved pairs = ${percentile(ratios, 0.5).toFixed(3)} ` +
        `(${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}); applied rows/s ${applied.map(rate).join(' / ')}`,
    );
  } else if (applied.length > 1) {
    console.log(
      `applied at ${rate(steps.at(-1)!)} stored / at ${rate(steps[0]!)} stored = ` +
        `${(applied.at(-1)! / applied[0]!).toFixed(2)} (target ≥ 0.8)`,
    );
  }
  await pool.end();
  await system.close();
  await database.close();
}

/**
 * `--repeat=N`: the baseline and the product's load, one after the other, N times in one run. This machine
 * is shared and noisy (the same code has measured 0.036 and 0.061): the median of interleaved pairs, with
 * its spread, is what a change is judged by. Each load adds its 200,000 consents to the registry.
 */
function repeatOf(flags: string[]): number {
  const flag = flags.find((f) => f.startsWith('--repeat='));
  const repeat = flag ? Number(flag.slice('--repeat='.length)) : 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) throw new Error('--repeat=N takes 1 to 20');
  if (repeat > 1 && flags.includes('--stored')) throw new Error('--repeat does not combine with --stored');
  return repeat;
}

/**
 * `--parallel`: one brand, applied by one writer and by two (one per write lane). The requests are accepted
 * first, with no worker running, then applied by a worker-only system, so each rate is the writers' alone.
 */
async function benchParallelApply(): Promise<void> {
  const rates: Record<number, { rate: number; cpu: string }> = {};
  for (const writers of [1, 2] as const) {
    // One master key: the worker reads what the API sealed (and sends its notices).
    const masterKey = randomBytes(32);
    const api = await startBenchServer({ workers: false, masterKey });
    await promisify(execFile)(
      process.execPath,
      [...nodeArgs('bench/ingest-load'), api.base, api.demoToken, String(TOTAL), String(IN_FLIGHT)],
      { maxBuffer: 1024 * 1024 },
    );
    const cpu = sampleCpu();
    const started = performance.now();
    const worker = await createSystem({
      databaseUrl: api.databaseUrl,
      masterKey,
      logger: pino({ level: 'warn' }),
      messaging: SANDBOX_MESSAGING,
      serve: false,
      bulkWriters: writers,
    });
    while ((await api.system.bulk.countUnfinished()) > 0) await sleep(20);
    rates[writers] = {
      rate: TOTAL / ((performance.now() - started) / 1000),
      cpu: cpuPerRow(cpu, sampleCpu(), TOTAL),
    };
    await worker.close();
    await api.close();
  }
  const rate = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`ingest --parallel: ${TOTAL} consents of one brand, accepted first, then applied`);
  console.log(`  one writer  : ${rate(rates[1]!.rate)} rows/s — ${rates[1]!.cpu}`);
  console.log(`  two writers : ${rate(rates[2]!.rate)} rows/s — ${rates[2]!.cpu}`);
  console.log(`two writers / one writer = ${(rates[2]!.rate / rates[1]!.rate).toFixed(2)} (target ≥ 1.6)`);
}
