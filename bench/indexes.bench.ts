/**
 * Indexes: what each index of the two hot tables costs a write, and its size. Rows shaped like the real
 * ones (random 32-byte blind indexes, 64-character transaction ids, 20 brands) are generated in PostgreSQL,
 * 1,000 per statement as the writer commits them, into a bare copy of the table; then again with one index
 * at a time, taken from the migrated schema's catalog. An index's cost is its run's time and PostgreSQL CPU
 * less the bare table's (the mean of a bare run before and after). Also the unique B-tree the transaction id
 * had before migration 0027, for comparison with the hash index that replaced it.
 */
import pg from 'pg';
import { prepareDatabase } from '../src/runtime.js';
import { createBenchDatabase } from './bench-database.js';
import { postgresSecondsBetween, sampleCpu } from './cpu.js';

const ROWS = Number(process.env.BENCH_INDEX_ROWS ?? 200_000);
const BATCH = 1000;

/** One 1000-row statement per call, rows `from`…`from + BATCH - 1`, as the writer's batches look. */
const ROW_SOURCE: Record<string, string> = {
  consent_events: `
    INSERT INTO bench_copy (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
      consent_date, creation_date, actor_kind, actor_id, leaf_hash)
    SELECT encode(sha256(int8send(g) || '\\x01'::bytea), 'hex'), g % 20 + 1, sha256(int8send(g)), 'BIREYSEL',
           (ARRAY['ARAMA','MESAJ','EPOSTA'])[g % 3 + 1], 'ONAY', 'HS_WEB', now(), now(), 'provider', '1',
           sha256(int8send(g) || '\\x02'::bytea)
    FROM generate_series($1::bigint, $1::bigint + ${BATCH - 1}) g`,
  consents: `
    INSERT INTO bench_copy (recipient_key, brand_id, recipient_type, type, status, source, consent_date,
      creation_date, transaction_id, last_event_id)
    SELECT sha256(int8send(g)), g % 20 + 1, 'BIREYSEL', (ARRAY['ARAMA','MESAJ','EPOSTA'])[g % 3 + 1], 'ONAY',
           'HS_WEB', now(), now(), encode(sha256(int8send(g) || '\\x01'::bytea), 'hex'), g
    FROM generate_series($1::bigint, $1::bigint + ${BATCH - 1}) g`,
};

interface Run {
  seconds: number;
  postgresSeconds: number;
  bytes: number;
}

async function fill(client: pg.Client, table: string, indexes: string[]): Promise<Run> {
  await client.query('DROP TABLE IF EXISTS bench_copy');
  await client.query(
    `CREATE TABLE bench_copy (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`,
  );
  for (const index of indexes) await client.query(index);
  await client.query('CHECKPOINT');
  const cpu = sampleCpu();
  const started = performance.now();
  for (let from = 0; from < ROWS; from += BATCH) await client.query(ROW_SOURCE[table]!, [from]);
  const seconds = (performance.now() - started) / 1000;
  const postgresSeconds = postgresSecondsBetween(cpu, sampleCpu());
  const { rows } = await client.query<{ bytes: string }>(`SELECT pg_indexes_size('bench_copy') AS bytes`);
  return { seconds, postgresSeconds, bytes: Number(rows[0]!.bytes) };
}

async function benchTable(client: pg.Client, table: string): Promise<void> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
     FROM pg_index WHERE indrelid = $1::regclass ORDER BY 1`,
    [table],
  );
  const candidates = rows.map(({ name, definition }) => ({
    name,
    // Same definition, on the copy, under a name of its own.
    statement: definition
      .replace(` ${name} ON `, ` bench_${name} ON `)
      .replace(` ON public.${table} `, ' ON bench_copy '),
  }));
  if (table === 'consent_events') {
    candidates.push({
      name: 'unique B-tree on transaction_id (before 0027)',
      statement: 'CREATE UNIQUE INDEX bench_tx_btree ON bench_copy (transaction_id)',
    });
  }
  const bareBefore = await fill(client, table, []);
  const measured = [];
  for (const candidate of candidates)
    measured.push({ ...candidate, ...(await fill(client, table, [candidate.statement])) });
  const bareAfter = await fill(client, table, []);
  const bare = {
    seconds: (bareBefore.seconds + bareAfter.seconds) / 2,
    postgresSeconds: (bareBefore.postgresSeconds + bareAfter.postgresSeconds) / 2,
  };
  const all = await fill(
    client,
    table,
    candidates.slice(0, rows.length).map((c) => c.statement),
  );

  const µs = (seconds: number) => ((seconds / ROWS) * 1e6).toFixed(1).padStart(6);
  const bytes = (n: number) => `${(n / ROWS).toFixed(0).padStart(4)} B/row`;
  console.log(`${table}: ${ROWS.toLocaleString('en')} rows, ${BATCH} per statement`);
  console.log(
    `  bare table            : ${µs(bare.seconds)} µs/row wall, ${µs(bare.postgresSeconds)} µs/row PostgreSQL CPU`,
  );
  for (const m of measured) {
    console.log(
      `  + ${m.name.padEnd(46)}: ${µs(m.seconds - bare.seconds)} µs/row wall, ` +
        `${µs(m.postgresSeconds - bare.postgresSeconds)} µs/row CPU, ${bytes(m.bytes)}`,
    );
  }
  console.log(
    `  with every index      : ${µs(all.seconds)} µs/row wall (${(all.seconds / bare.seconds).toFixed(2)}× bare), ${bytes(all.bytes)}`,
  );
  await client.query('DROP TABLE bench_copy');
}

export async function benchIndexes(): Promise<void> {
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const table of ['consent_events', 'consents']) await benchTable(client, table);
  } finally {
    await client.end();
    await database.close();
  }
}
