import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { leafHash, type HashedEvent } from '../crypto/event-hash.js';
import {
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../test/helpers/system.js';
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
      '1 consents differ from the fold of the event log (the projection was edited)',
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
    '1 consents differ from the fold of the event log (the projection was edited)',
  ]);
  await owner.query(
    `UPDATE consents c SET status = e.status FROM consent_events e WHERE e.id = c.last_event_id`,
  );
  assert.deepEqual((await audit()).problems, []);
});

/** As a superuser with every trigger and foreign key off (session_replication_role), then restored. */
async function asReplica(statements: Array<[string, unknown[]?]>): Promise<void> {
  await owner.query('BEGIN');
  await owner.query('SET LOCAL session_replication_role = replica');
  for (const [statement, values] of statements) await owner.query(statement, values ?? []);
  await owner.query('COMMIT');
}

async function leafOfEvent(eventId: string): Promise<number> {
  const { rows } = await owner.query<{ i: number }>(
    `SELECT leaf_index::float8 AS i FROM log_leaves WHERE event_id = $1`,
    [eventId],
  );
  return rows[0]!.i;
}

test('a deleted event is named by its leaf', async () => {
  const { rows } = await owner.query(`SELECT * FROM consent_events ORDER BY id LIMIT 1 OFFSET 3`);
  const event = rows[0]!;
  const index = await leafOfEvent(event.id);
  await asReplica([[`DELETE FROM consent_events WHERE id = $1`, [event.id]]]);
  try {
    assert.deepEqual((await audit()).problems, [
      `leaf ${index}: its event ${event.id} is gone`,
      '1 consents differ from the fold of the event log (the projection was edited)',
    ]);
  } finally {
    const columns = Object.keys(event);
    await asReplica([
      [
        `INSERT INTO consent_events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => event[c]),
      ],
    ]);
  }
  assert.deepEqual((await audit()).problems, []);
});

test('an event inserted behind the sequencer, and leaves moved out of order, are named by leaf', async () => {
  const { rows } = await owner.query(`SELECT * FROM consent_events ORDER BY tx, id LIMIT 2`);
  const [first, second] = rows as [Record<string, unknown>, Record<string, unknown>];
  // A back-dated insert: the first event's transaction, so it sorts before the second logged event.
  const forged = { ...first, id: '1000000', transaction_id: 'f'.repeat(64) };
  const columns = Object.keys(forged);
  await asReplica([
    [
      `INSERT INTO consent_events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => (forged as Record<string, unknown>)[c]),
    ],
  ]);
  const firstLeaf = await leafOfEvent(String(first.id));
  const secondLeaf = await leafOfEvent(String(second.id));
  try {
    const problems = (await audit()).problems;
    assert.ok(
      problems.includes(
        `leaf ${secondLeaf}: event 1000000 was inserted before it, behind the sequencer, and is not in the log`,
      ),
      problems.join('\n'),
    );
  } finally {
    await asReplica([[`DELETE FROM consent_events WHERE id = 1000000`]]);
  }

  // Two leaves swapped: each still hashes to its event, but the order and the signed roots break.
  const swap = (a: number, b: number) =>
    asReplica([
      [`UPDATE log_leaves SET leaf_index = -1 WHERE leaf_index = $1`, [a]],
      [`UPDATE log_leaves SET leaf_index = $1 WHERE leaf_index = $2`, [a, b]],
      [`UPDATE log_leaves SET leaf_index = $1 WHERE leaf_index = -1`, [b]],
    ]);
  await swap(firstLeaf, secondLeaf);
  try {
    const problems = (await audit()).problems;
    assert.equal(
      problems[0],
      `leaf ${secondLeaf}: out of order (event ${first.id} is logged after a later one)`,
    );
    assert.ok(problems.some((p) => p.endsWith('the tree rebuilt from the leaves has another root')));
  } finally {
    await swap(firstLeaf, secondLeaf);
  }
  assert.deepEqual((await audit()).problems, []);
});

test('the projection pointed back at an older event, or a row removed, differs from the fold', async () => {
  const token = await t.token();
  await recordConsent(t, token, {
    recipient: '+905380000000',
    type: 'MESAJ',
    status: 'RET',
    consentDate: recentWireDate(1000),
  });
  await t.system.transparencyLog.integrate();
  const { rows } = await owner.query(
    `SELECT e.* FROM consent_events e JOIN consents c ON c.recipient_key = e.recipient_key AND c.brand_id = e.brand_id
       AND c.type = e.type AND c.last_event_id <> e.id ORDER BY e.id LIMIT 1`,
  );
  const older = rows[0]!;
  const { rows: current } = await owner.query(
    `SELECT * FROM consents WHERE recipient_key = $1 AND brand_id = $2 AND type = $3`,
    [older.recipient_key, older.brand_id, older.type],
  );
  const now = current[0]!;
  await owner.query(
    `UPDATE consents SET last_event_id = $1, status = $2, source = $3, consent_date = $4, transaction_id = $5
     WHERE recipient_key = $6 AND brand_id = $7 AND type = $8`,
    [
      older.id,
      older.status,
      older.source,
      older.consent_date,
      older.transaction_id,
      older.recipient_key,
      older.brand_id,
      older.type,
    ],
  );
  assert.deepEqual((await audit()).problems, [
    '1 consents differ from the fold of the event log (the projection was edited)',
  ]);
  await owner.query(`DELETE FROM consents WHERE recipient_key = $1 AND brand_id = $2 AND type = $3`, [
    older.recipient_key,
    older.brand_id,
    older.type,
  ]);
  assert.equal((await audit()).problems.length, 1, 'a removed row is caught too');
  const columns = Object.keys(now);
  await owner.query(
    `INSERT INTO consents (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    columns.map((c) => now[c]),
  );
  assert.deepEqual((await audit()).problems, []);
});

test('a key slipped into the published list, with heads re-signed by it, is caught', async () => {
  const { ReceiptSigner } = await import('../crypto/receipt-signer.js');
  const { randomBytes } = await import('node:crypto');
  const impostor = new ReceiptSigner(randomBytes(32));
  await owner.query(`INSERT INTO log_keys (version, kid, jwk) VALUES (99, $1, $2)`, [
    impostor.publicJwk.kid,
    JSON.stringify(impostor.publicJwk),
  ]);
  try {
    assert.deepEqual((await audit()).problems, [
      `key version 99: the published key is not the registry's (${impostor.publicJwk.kid})`,
    ]);
  } finally {
    await asReplica([[`DELETE FROM log_keys WHERE version = 99`]]);
  }
});

test('the daily audit keeps its result: /metrics and the regulator console raise the alarm', async () => {
  const metric = async () =>
    /^openiys_log_audit_problems (\d+)$/m.exec(
      (await t.app.inject({ method: 'GET', url: '/metrics' })).body,
    )?.[1];
  assert.equal((await t.system.transparencyLog.audit()).problems.length, 0);
  assert.equal(await metric(), '0');
  await owner.query(
    `UPDATE consents SET status = 'RET' WHERE last_event_id = (SELECT min(last_event_id) FROM consents)`,
  );
  try {
    const report = await t.system.transparencyLog.audit();
    assert.equal(report.problems.length, 1);
    assert.equal(await metric(), '1');
    assert.deepEqual((await t.system.transparencyLog.latestAudit())?.problems, report.problems);
  } finally {
    await owner.query(
      `UPDATE consents c SET status = e.status FROM consent_events e WHERE e.id = c.last_event_id`,
    );
  }
  await t.system.transparencyLog.audit();
  assert.equal(await metric(), '0');
});
