import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { analysedPlan, rowsRead } from '../../test/helpers/plan.js';
import { DEMO, recentWireDate, startTestSystem, type TestSystem } from '../../test/helpers/system.js';
import { leafHash } from '../crypto/event-hash.js';
import { connectDatabase } from '../db/connect.js';
import { brandConsentsPage, currentStateQuery, type ConsentEventRow } from './consent.repository.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false });
  const token = await t.token();
  const add = (status: string, offset: number) =>
    t.app.inject({
      method: 'POST',
      url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`,
      headers: { authorization: `Bearer ${token}` },
      payload: {
        recipient: '+905321112233',
        recipientType: 'BIREYSEL',
        type: 'ARAMA',
        status,
        source: 'HS_CAGRI_MERKEZI',
        consentDate: recentWireDate(offset),
      },
    });
  assert.equal((await add('ONAY', 120_000)).statusCode, 200);
  assert.equal((await add('RET', 60_000)).statusCode, 200);
});
after(() => t.close());

test('every stored event carries the leaf hash of its own columns, and the projection points at the last one', async () => {
  const db = t.system.database.db;
  const events = await db.selectFrom('consent_events').selectAll().orderBy('id').execute();
  assert.equal(events.length, 2);
  for (const event of events) {
    const { id: _id, leaf_hash, ...columns } = event as ConsentEventRow;
    assert.deepEqual(leaf_hash, leafHash(columns));
  }
  const current = await db.selectFrom('consents').selectAll().execute();
  assert.equal(current.length, 1);
  assert.equal(current[0]!.status, 'RET');
  assert.equal(current[0]!.last_event_id, events[1]!.id);
  assert.equal(current[0]!.transaction_id, events[1]!.transaction_id);
});

test('the serving role may not change the event log, nor switch its guard off', async () => {
  const db = t.system.database.db;
  for (const statement of [
    sql`UPDATE consent_events SET status = 'ONAY'`,
    sql`DELETE FROM consent_events`,
    sql`TRUNCATE consent_events`,
  ]) {
    await assert.rejects(statement.execute(db), /permission denied for table consent_events/);
  }
  await assert.rejects(
    sql`ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete`.execute(db),
    /must be owner of table consent_events/,
  );
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM consent_events`.execute(db);
  assert.equal(Number(rows[0]!.n), 2);
});

test('even its owner meets the append-only trigger on UPDATE, DELETE and TRUNCATE', async () => {
  const owner = connectDatabase(t.database.ownerUrl, { max: 1 });
  try {
    await assert.rejects(
      sql`UPDATE consent_events SET status = 'ONAY'`.execute(owner.db),
      /append-only \(UPDATE refused\)/,
    );
    await assert.rejects(sql`DELETE FROM consent_events`.execute(owner.db), /append-only \(DELETE refused\)/);
    await assert.rejects(sql`TRUNCATE consent_events`.execute(owner.db), /append-only \(TRUNCATE refused\)/);
  } finally {
    await owner.close();
  }
});

test('the writer reads current state by key even for a brand the statistics have not seen yet', async () => {
  // A brand being onboarded: 20,000 consents written since the last ANALYZE, which saw none of them. A
  // join the planner may reorder hashes the brand's whole projection for every 1000-row write.
  const owner = connectDatabase(t.database.ownerUrl, { max: 1 });
  try {
    await sql`ANALYZE consents`.execute(owner.db);
    const brand = 990_001;
    await sql`
      INSERT INTO consents (recipient_key, brand_id, recipient_type, type, status, source, consent_date,
                            creation_date, transaction_id, last_event_id)
      SELECT sha256(int4send(n)), ${brand}, 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB', now(), now(), n::text, 0
      FROM generate_series(1, 20000) n`.execute(owner.db);
    const ids = Array.from({ length: 1000 }, (_, n) => ({
      recipientKey: Buffer.from(`${n}`.padStart(32, '0')),
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
    }));
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${currentStateQuery(brand, ids)}`.execute(
      owner.db,
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    // consents_p<n>_pkey when the table is partitioned (`npm test -- --partitioned`): the same key per
    // partition, and the partition of each probed key is chosen at run time.
    assert.match(text, /Index Scan using consents(_p\d+)?_pkey/);
    assert.doesNotMatch(text, /Hash Join|Seq Scan|Bitmap Heap Scan/);
  } finally {
    await owner.close();
  }
});

test("a brand's export reads each page's addresses by key, never the recipients before its cursor", async () => {
  // 20,000 consents of one brand with their recipients, analysed. Joined to recipients, a page from the
  // middle of the key order let the planner merge the recipients' whole index up to the cursor: an export
  // then read half the registry's recipients per page (1.9 s a page at 1,000,000 consents).
  const owner = new pg.Pool({ connectionString: t.database.ownerUrl, max: 1 });
  try {
    const brand = 990_002;
    await owner.query(
      `WITH keys AS (SELECT sha256(int4send(n) || '\\x02'::bytea) AS k FROM generate_series(1, 20000) n),
       added AS (INSERT INTO recipients (recipient_key, address_enc, kind)
                 SELECT k, sha256(k), 'phone' FROM keys ON CONFLICT DO NOTHING)
       INSERT INTO consents (recipient_key, brand_id, recipient_type, type, status, source, consent_date,
                             creation_date, transaction_id, last_event_id)
       SELECT k, $1, 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB', now(), now(), encode(k, 'hex'), 0 FROM keys`,
      [brand],
    );
    await owner.query('ANALYZE consents, recipients');
    const middle = { key: Buffer.alloc(32, 0x80), recipientType: 'BIREYSEL', type: 'MESAJ' };
    const plan = await analysedPlan(
      owner,
      brandConsentsPage(t.system.database.db, brand, middle, 500).compile(),
    );
    assert.equal(plan['Actual Rows'], 500);
    const read = rowsRead(plan, 'recipients');
    assert.ok(read <= 500, `${read} recipient rows read for 500`);

    // And the page is the right one: the next 500 of the brand's consents after the cursor, with addresses.
    const page = await brandConsentsPage(t.system.database.db, brand, middle, 500).execute();
    assert.equal(page.length, 500);
    assert.ok(page.every((row) => Buffer.compare(row.recipient_key, middle.key) > 0));
    assert.ok(
      page.every((row) => row.address_enc.equals(createHash('sha256').update(row.recipient_key).digest())),
    );
  } finally {
    await owner.end();
  }
});
