/**
 * `npm run bench -- floor`: the least PostgreSQL can spend on one new consent in this schema. Each statement
 * the model needs for a consent recorded for the first time — its recipient, its event with the log's
 * indexes, the projection, the transparency log's leaf and about one stored subtree, and the reads the
 * model makes of it (the writer's current-state probe, the log's and each process's gateway index's read of
 * the new events) — runs set-based, on rows made inside the server, so nothing is parsed, sent or encoded,
 * in transactions of 10,000 rows, as the writer's lanes use. Beside it, the same run's raw `COPY` (the
 * import's baseline) and raw unnest insert (ingest's baseline) of the same number of rows.
 *
 * It prints the backend's CPU per row for each statement; the transaction's and a bare table's insert with one
 * writer and with two at once (both cores busy make every row dearer on this machine, whatever the table); and
 * what the floor means for the write-path targets here: even if Node cost nothing, two cores cannot apply
 * faster than cores / (floor × that factor).
 */
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { prepareDatabase } from '../src/runtime.js';
import { createBenchDatabase } from './bench-database.js';
import { processSeconds } from './cpu.js';
import { rawBaseline } from './ingest.bench.js';

const ROWS = 10_000;
const ROUNDS = Number(process.env.BENCH_FLOOR_ROUNDS ?? 20);
/** The first rounds warm the caches and are left out of the sums. */
const WARM_UP = 2;

/** CPU seconds of one backend so far: it lives for the whole run. */
const backendSeconds = (pid: number): number => processSeconds(pid)!;

/** Row g's values, made in the server: a 32-byte key, a 50-byte sealed address, a 64-hex transaction id. */
const KEY = `sha256(int8send(g))`;
const SERIES = `generate_series($1::bigint, $2::bigint) g`;

/** Statements in the order the product runs them; $1..$2 is the round's range of rows. */
const statements = (brandId: number): Array<[name: string, sql: string]> => [
  [
    'current-state probe (none held)',
    `SELECT count(c.status) FROM ${SERIES} CROSS JOIN LATERAL (
       SELECT status FROM consents WHERE recipient_key = ${KEY} AND brand_id + 0 = ${brandId}
         AND recipient_type = 'BIREYSEL' AND type = 'MESAJ' LIMIT 1) c`,
  ],
  [
    'recipients',
    `INSERT INTO recipients (recipient_key, address_enc, kind)
     SELECT ${KEY}, substr(sha256(int8send(-g)) || sha256(int8send(-g - 1)), 1, 50), 'phone' FROM ${SERIES}
     ON CONFLICT (recipient_key) DO NOTHING`,
  ],
  [
    'consent_events (all its indexes)',
    `INSERT INTO consent_events (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
       consent_date, creation_date, retailer_code, retailer_access, actor_kind, actor_id, leaf_hash)
     SELECT encode(sha256(int8send(g + 7)), 'hex'), ${brandId}, ${KEY}, 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB',
       now() - interval '1 hour', now(), NULL, '{}', 'provider', '1', sha256(int8send(g + 9))
     FROM ${SERIES}`,
  ],
  [
    'consents (projection)',
    `INSERT INTO consents (recipient_key, brand_id, recipient_type, type, status, source, consent_date,
       creation_date, transaction_id, retailer_code, retailer_access, last_event_id)
     SELECT recipient_key, brand_id, recipient_type, type, status, source, consent_date, creation_date,
       transaction_id, retailer_code, retailer_access, id
     FROM consent_events WHERE tx = pg_current_xact_id() AND $1::bigint <= $2::bigint`,
  ],
  [
    'log leaves',
    `INSERT INTO log_leaves (leaf_index, event_id, leaf_hash)
     SELECT $1::bigint + row_number() OVER (ORDER BY id) - 1, id, leaf_hash
     FROM consent_events WHERE tx = pg_current_xact_id() AND $2::bigint > 0`,
  ],
  [
    'log subtrees (one a leaf)',
    `INSERT INTO log_subtrees (level, node_index, hash) SELECT 1 + (g % 16)::int, g, sha256(int8send(g)) FROM ${SERIES}`,
  ],
];

/** Reads of the round's events after its commit: the log's sequencer and one process's gateway index. */
const readsAfterCommit: Array<[name: string, sql: string]> = [
  [
    "log's read of the leaf hashes",
    `SELECT string_agg(leaf_hash, ''::bytea ORDER BY tx, id) FROM consent_events WHERE tx = $1::xid8`,
  ],
  [
    "gateway index's read (one process)",
    `SELECT count(*) FROM (SELECT tx::text, id::text, recipient_key, brand_id, recipient_type, type, status
       FROM consent_events WHERE tx = $1::xid8 ORDER BY tx, id) e`,
  ],
];

/**
 * The two baselines the targets divide by, on the same number of rows: `bench -- ingest`'s own (1,000-row
 * unnest inserts on one connection) and a COPY of a CSV as `bench -- import` takes it; rows per second.
 */
async function measureBaselines(
  url: string,
  client: pg.Client,
  rows: number,
): Promise<{ insert: number; copy: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const insert = await rawBaseline(pool, 1, 0, rows).finally(() => pool.end());

  await client.query(`CREATE TABLE floor_raw_copy (recipient text, recipient_type text, type text, status text,
    source text, consent_date timestamptz, PRIMARY KEY (recipient, recipient_type, type))`);
  const consentDate = new Date(Date.now() - 3600_000).toISOString();
  // In chunks of 1,000 lines, as a file is read (64 KB), not a message per line.
  const csv = Array.from({ length: rows / 1000 }, (_, chunk) =>
    Array.from(
      { length: 1000 },
      (_, i) =>
        `+90535${String(chunk * 1000 + i).padStart(7, '0')},BIREYSEL,MESAJ,ONAY,HS_WEB,${consentDate}\n`,
    ).join(''),
  );
  const started = performance.now();
  await pipeline(
    Readable.from(csv),
    client.query(copyFrom('COPY floor_raw_copy FROM STDIN WITH (FORMAT csv)')),
  );
  return { insert: insert.rate, copy: rows / ((performance.now() - started) / 1000) };
}

async function timed(client: pg.Client, pid: number, sql: string, params: unknown[]): Promise<number> {
  const before = backendSeconds(pid);
  await client.query(sql, params);
  return backendSeconds(pid) - before;
}

/** The same event rows into a copy of `consent_events` with no index, key or trigger: the machine's own share. */
const BARE_TABLE = 'floor_bare_events';
const bareInsert: Array<[name: string, sql: string]> = [
  [
    'bare copy of consent_events',
    `INSERT INTO ${BARE_TABLE} (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
       consent_date, creation_date, retailer_code, retailer_access, actor_kind, actor_id, leaf_hash)
     SELECT encode(sha256(int8send(g + 7)), 'hex'), 1, ${KEY}, 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB',
       now() - interval '1 hour', now(), NULL, '{}', 'provider', '1', sha256(int8send(g + 9))
     FROM ${SERIES}`,
  ],
];

/**
 * CPU per row when `writers` connections run these statements at once, a transaction a round, each its own
 * share of the rounds' rows from `firstRow` on (the first round of each left out). Two write lanes of one
 * brand do this; the same run on a bare table shows what two busy cores cost any work on this machine.
 */
async function concurrentWrites(
  url: string,
  transaction: Array<[name: string, sql: string]>,
  writers: number,
  firstRow: number,
): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: writers }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      return { client, pid };
    }),
  );
  const rounds = ROUNDS / writers;
  try {
    const used = await Promise.all(
      clients.map(async ({ client, pid }, w) => {
        let seconds = 0;
        for (let round = 0; round < rounds; round++) {
          const from = firstRow + (w * rounds + round) * ROWS + 1;
          const before = backendSeconds(pid);
          await client.query('BEGIN');
          for (const [, sql] of transaction) await client.query(sql, [from, from + ROWS - 1]);
          await client.query('COMMIT');
          if (round > 0) seconds += backendSeconds(pid) - before;
        }
        return seconds;
      }),
    );
    return (used.reduce((sum, s) => sum + s, 0) * 1e6) / ((rounds - 1) * writers * ROWS);
  } finally {
    await Promise.all(clients.map(({ client }) => client.end()));
  }
}

export async function benchFloor(): Promise<void> {
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const { rows } = await client.query<{ id: number }>(`
      WITH provider AS (
        INSERT INTO providers (iys_code, kind, title, status, activated_at)
        VALUES (790002, 'TUZEL', 'Floor Bench A.Ş.', 'active', now() - interval '1 year') RETURNING id)
      INSERT INTO brands (provider_id, brand_code, name) SELECT id, 790020, 'Floor' FROM provider RETURNING id`);
    const model = [...statements(rows[0]!.id), ['commit', ''] as [string, string], ...readsAfterCommit];
    const seconds = new Map<string, number>(model.map(([name]) => [name, 0]));
    const add = (name: string, s: number, round: number) => {
      if (round >= WARM_UP) seconds.set(name, seconds.get(name)! + s);
    };

    for (let round = 0; round < ROUNDS; round++) {
      const range = [round * ROWS + 1, (round + 1) * ROWS];
      await client.query('BEGIN');
      const tx = (await client.query<{ tx: string }>('SELECT pg_current_xact_id()::text AS tx')).rows[0]!.tx;
      for (const [name, sql] of statements(rows[0]!.id))
        add(name, await timed(client, pid, sql, range), round);
      add('commit', await timed(client, pid, 'COMMIT', []), round);
      for (const [name, sql] of readsAfterCommit) add(name, await timed(client, pid, sql, [tx]), round);
    }

    const model1 = await concurrentWrites(database.url, statements(rows[0]!.id), 1, ROUNDS * ROWS);
    const model2 = await concurrentWrites(database.url, statements(rows[0]!.id), 2, 2 * ROUNDS * ROWS);
    await client.query(`CREATE TABLE ${BARE_TABLE} (LIKE consent_events INCLUDING DEFAULTS)`);
    const bare1 = await concurrentWrites(database.url, bareInsert, 1, 0);
    const bare2 = await concurrentWrites(database.url, bareInsert, 2, ROUNDS * ROWS);
    const baselines = await measureBaselines(database.url, client, ROUNDS * ROWS);

    const counted = (ROUNDS - WARM_UP) * ROWS;
    const µs = (s: number) => (s * 1e6) / counted;
    console.log(
      `floor: ${ROUNDS} rounds of ${ROWS.toLocaleString('en')} new consents, set-based, rows made in the server (first ${WARM_UP} rounds left out)`,
    );
    let writes = 0;
    let total = 0;
    for (const [name] of model) {
      const perRow = µs(seconds.get(name)!);
      total += perRow;
      if (!readsAfterCommit.some(([read]) => read === name)) writes += perRow;
      console.log(`  ${name.padEnd(36)} ${perRow.toFixed(1).padStart(6)} µs a row`);
    }
    console.log(
      `  ${'the transaction (probe to commit)'.padEnd(36)} ${writes.toFixed(1).padStart(6)} µs a row`,
    );
    console.log(`  ${'with the reads after it'.padEnd(36)} ${total.toFixed(1).padStart(6)} µs a row`);
    const twoAtOnce = (one: number, two: number) =>
      `${one.toFixed(1)} / ${two.toFixed(1)} µs a row (${(two / one).toFixed(2)}×)`;
    console.log(`  one writer / two at once, the transaction:  ${twoAtOnce(model1, model2)}`);
    console.log(`  one writer / two at once, a bare table:     ${twoAtOnce(bare1, bare2)}`);
    const cores = availableParallelism();
    // Every core busy makes each row dearer (two at once, above): the ceiling counts the dearer row.
    const ceiling = (cores * 1e6) / (total * Math.max(1, model2 / model1));
    console.log(
      `  at ${cores} cores fully busy (each row ${(model2 / model1).toFixed(2)}× dearer) and no Node work at all: ` +
        `at most ${Math.round(ceiling).toLocaleString('en')} consents/s`,
    );
    console.log(
      `  raw unnest insert, 1 writer (ingest's baseline): ${Math.round(baselines.insert).toLocaleString('en')} rows/s; ` +
        `ingest ratio at most ${(ceiling / baselines.insert).toFixed(3)} (target ≥ 0.2)`,
    );
    console.log(
      `  raw COPY into a bare table (import's baseline):  ${Math.round(baselines.copy).toLocaleString('en')} rows/s; ` +
        `import ratio at most ${(ceiling / baselines.copy).toFixed(3)} (target ≥ 0.05)`,
    );
  } finally {
    await client.end();
    await database.close();
  }
}
