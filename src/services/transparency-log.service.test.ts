import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { recordConsent, startTestSystem, type TestSystem } from '../../test/helpers/system.js';

let t: TestSystem;

before(async () => {
  t = await startTestSystem({ workers: false }); // the test runs the sequencer itself
});
after(() => t.close());

test('leaves follow (transaction, id) order past a digit boundary, in small batches, none skipped', async () => {
  const token = await t.token();
  await recordConsent(t, token, { recipient: '+905390000001', type: 'MESAJ' });
  // 15 movements in one transaction: ids on both sides of 9 → 10, where text order ("10" < "9") differs.
  const owner = new pg.Client({ connectionString: t.database.ownerUrl });
  await owner.connect();
  await owner
    .query(
      `INSERT INTO consent_events (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
         consent_date, creation_date, actor_kind, actor_id, leaf_hash)
       SELECT encode(sha256(e.leaf_hash || int4send(g)), 'hex'), e.brand_id, e.recipient_key, 'TACIR', 'ARAMA',
              'ONAY', 'HS_WEB', now(), now(), 'provider', '1', sha256(e.leaf_hash || int4send(g))
       FROM consent_events e, generate_series(1, 15) g`,
    )
    .finally(() => owner.end());

  while ((await t.system.transparencyLog.integrate(4)) > 0);

  const { db } = t.system.database;
  // Numbers, not text (the bug this reproduces was a text sort).
  const logged = await sql<{ event: number }>`
    SELECT event_id::float8 AS event FROM log_leaves ORDER BY leaf_index`.execute(db);
  const events = await sql<{ event: number }>`
    SELECT id::float8 AS event FROM consent_events ORDER BY consent_events.tx, consent_events.id`.execute(db);
  assert.equal(events.rows.length, 16);
  assert.deepEqual(
    logged.rows.map((r) => r.event),
    events.rows.map((r) => r.event),
  );
});
