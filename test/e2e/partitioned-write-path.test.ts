/**
 * Sharding readiness (issue 11, item 8): the write path's tables hash-partitioned by recipient_key, as
 * `npm test -- --partitioned` runs the whole suite. This file converts a database of its own in every run,
 * so the conversion itself is tested even when the rest of the suite runs unpartitioned.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { prepareDatabase } from '../../src/runtime.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { partitionWritePath, WRITE_PATH_TABLES } from '../helpers/partition-write-path.js';
import { DEMO, recordConsent, startTestSystem, type TestSystem } from '../helpers/system.js';

const PARTITIONS = 16;
const servingRole = { name: process.env.OPENIYS_TEST_SERVING_ROLE! };

let t: TestSystem;
let token: string;
/** Prepared like the run's template but never partitioned: what the conversion must keep. */
let reference: TestDatabase;

async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Index and trigger names of the write path's tables (partitions left out), sorted. */
const schemaOf = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      `SELECT indrelid::regclass || ': index ' || indexrelid::regclass AS name FROM pg_index
       WHERE indrelid::regclass::text = ANY ($1)
       UNION ALL
       SELECT tgrelid::regclass || ': trigger ' || tgname FROM pg_trigger
       WHERE tgrelid::regclass::text = ANY ($1) AND NOT tgisinternal
       UNION ALL
       SELECT conrelid::regclass || ': references ' || confrelid::regclass FROM pg_constraint
       WHERE confrelid::regclass::text = ANY ($1) AND contype = 'f'
       ORDER BY 1`,
      [WRITE_PATH_TABLES],
    )
  ).map((r) => r.name);

before(async () => {
  const database = await createTestDatabase({ empty: true });
  await prepareDatabase(database.ownerUrl, servingRole);
  await partitionWritePath(database.ownerUrl, PARTITIONS);
  await prepareDatabase(database.ownerUrl, servingRole); // grants the serving role the new tables
  t = await startTestSystem({ database });
  token = await t.token();
  reference = await createTestDatabase({ empty: true });
  await prepareDatabase(reference.ownerUrl, servingRole);
});
after(async () => {
  await t.close();
  await reference.drop();
});

test('recipients, consents and consent_events are split 16 ways by recipient_key and keep every index, trigger and reference', async () => {
  const partitioned = await query<{ table: string; strategy: string; key: string; partitions: number }>(
    t.database.ownerUrl,
    `SELECT p.partrelid::regclass::text AS table, p.partstrat AS strategy,
            pg_get_partkeydef(p.partrelid) AS key,
            (SELECT count(*)::int FROM pg_inherits WHERE inhparent = p.partrelid) AS partitions
     FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
     WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
  assert.deepEqual(
    partitioned,
    [...WRITE_PATH_TABLES]
      .sort()
      .map((table) => ({ table, strategy: 'h', key: 'HASH (recipient_key)', partitions: PARTITIONS })),
  );
  // Same names as the unpartitioned schema: nothing the migrations created was lost on the way.
  assert.deepEqual(await schemaOf(t.database.ownerUrl), await schemaOf(reference.ownerUrl));
});

test('consents recorded through the API spread over the partitions and read back, in the changes feed too', async () => {
  const phones = Array.from({ length: 40 }, (_, i) => `+90536${String(i).padStart(7, '0')}`);
  for (const recipient of phones) await recordConsent(t, token, { recipient, type: 'MESAJ' });

  const [spread] = await query<{ partitions: number; rows: number }>(
    t.database.ownerUrl,
    `SELECT count(DISTINCT tableoid)::int AS partitions, count(*)::int AS rows FROM consents`,
  );
  assert.equal(spread!.rows, phones.length);
  assert.ok(spread!.partitions > 1, `40 identities landed in ${spread!.partitions} partition(s)`);

  const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
  const status = await t.app.inject({
    method: 'POST',
    url: `${base}/consents/status`,
    headers: { authorization: `Bearer ${token}` },
    payload: { recipient: phones[7], recipientType: 'BIREYSEL', type: 'MESAJ' },
  });
  assert.equal(status.statusCode, 200, status.body);
  assert.equal(status.json().status, 'ONAY');

  const feed = await t.app.inject({
    method: 'GET',
    url: `${base}/consents/changes?source=HS&limit=1000`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(feed.statusCode, 200, feed.body);
  const listed = (feed.json() as { list: Array<{ recipient: string }> }).list.map((m) => m.recipient);
  assert.deepEqual(listed.sort(), [...phones].sort());
});

test('the partitioned log stays append-only and references to recipients are still enforced', async () => {
  await assert.rejects(
    query(t.database.ownerUrl, `UPDATE consent_events SET status = 'RET'`),
    /consent_events is append-only/,
  );
  await assert.rejects(
    query(
      t.database.ownerUrl,
      `INSERT INTO citizens (id) VALUES (gen_random_uuid());
       INSERT INTO citizen_addresses (citizen_id, recipient_key, verified_at)
       SELECT id, '\\x00'::bytea, now() FROM citizens`,
    ),
    (error: { code?: string }) => error.code === '23503',
  );
});
