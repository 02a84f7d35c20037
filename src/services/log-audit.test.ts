import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { leafHash, type HashedEvent } from '../crypto/event-hash.js';
import { recordConsent, startTestSystem, type TestSystem } from '../../test/helpers/system.js';
import { auditTransparencyLog } from './log-audit.js';

let t: TestSystem;
let owner: pg.Client;

before(async () => {
  t = await startTestSystem({ workers: false });
  const token = await t.token();
  for (let i = 0; i < 6; i++) await recordConsent(t, token, { recipient: `+90538000000${i}`, type: 'MESAJ' });
  await t.system.transparencyLog.integrate();
  owner = new pg.Client({ connectionString: t.database.ownerUrl });
  await owner.connect();
});
after(async () => {
  await owner.end();
  await t.close();
});

const audit = () => auditTransparencyLog(t.system.database.db, t.system.transparencyLog.derivedKey);

/** What a superuser can do to the evidence: switch the guard off, change rows, switch it on again. */
async function rewrite(statement: string, values: unknown[] = []): Promise<void> {
  await owner.query('BEGIN');
  await owner.query('ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete');
  await owner.query(statement, values);
  await owner.query('ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete');
  await owner.query('COMMIT');
}

test('an untouched registry passes the audit', async () => {
  const report = await audit();
  assert.deepEqual(report, { leaves: 6, heads: 1, problems: [], unlisted: 0 });
});

test('a refusal rewritten into a consent is caught, with its hash recomputed or not', async () => {
  const { rows } = await owner.query<HashedEvent & { id: string; leaf_hash: Buffer }>(
    `SELECT * FROM consent_events ORDER BY id LIMIT 1 OFFSET 2`,
  );
  const event = rows[0]!;
  try {
    await rewrite(`UPDATE consent_events SET status = 'RET' WHERE id = $1`, [event.id]);
    // The projection still says ONAY, so it now differs from the rewritten event too.
    assert.deepEqual((await audit()).problems, [
      `leaf 2: event ${event.id} no longer hashes to its leaf (it was changed)`,
      '1 consents differ from their last event (the projection was edited)',
    ]);

    // The careful forger recomputes the row's hash and edits the projection to match: the log still holds
    // the original leaf.
    await rewrite(`UPDATE consent_events SET leaf_hash = $2 WHERE id = $1`, [
      event.id,
      leafHash({ ...event, status: 'RET' }),
    ]);
    await owner.query(`UPDATE consents SET status = 'RET' WHERE last_event_id = $1`, [event.id]);
    assert.deepEqual((await audit()).problems, [`leaf 2: not the hash of event ${event.id}`]);
  } finally {
    await rewrite(`UPDATE consent_events SET status = $2, leaf_hash = $3 WHERE id = $1`, [
      event.id,
      event.status,
      event.leaf_hash,
    ]);
    await owner.query(`UPDATE consents SET status = $2 WHERE last_event_id = $1`, [event.id, event.status]);
  }
  assert.deepEqual((await audit()).problems, []);
});

test('an edited projection — what the gateway answers from — is caught', async () => {
  await owner.query(
    `UPDATE consents SET status = 'RET' WHERE last_event_id = (SELECT min(last_event_id) FROM consents)`,
  );
  assert.deepEqual((await audit()).problems, [
    '1 consents differ from their last event (the projection was edited)',
  ]);
  await owner.query(
    `UPDATE consents c SET status = e.status FROM consent_events e WHERE e.id = c.last_event_id`,
  );
  assert.deepEqual((await audit()).problems, []);
});
