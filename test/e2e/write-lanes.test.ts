/**
 * Two writers apply one brand at once, one per write lane, and readers of the log never pass over a
 * movement that commits late: the lanes' locks, the order they are taken in, and the changes feed's horizon.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createConsentRepository } from '../../src/repositories/consent.repository.js';
import { lockForWrite } from '../../src/services/consent-writer.js';
import { beginLateEvent, createTestDatabase, holdLogHorizon } from '../helpers/database.js';
import { DEMO, recentWireDate, recordConsent, startTestSystem, type TestSystem } from '../helpers/system.js';

let t: TestSystem;
let token: string;
let brandId: number;
const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
/** The lock namespace of lane 0 (consent.repository.ts); lane n is this plus n. */
const LANE_NAMESPACE = 0x1_15;

before(async () => {
  t = await startTestSystem({ workers: false });
  token = await t.token();
  const brand = await t.system.database.db
    .selectFrom('brands')
    .select('id')
    .where('brand_code', '=', DEMO.brandCode)
    .executeTakeFirstOrThrow();
  brandId = brand.id;
});
after(() => t.close());

/** Phones whose blind index falls in the given lane (found by recording a trader consent for each). */
async function phonesInLane(lane: number, count: number, from: number): Promise<string[]> {
  const found: string[] = [];
  for (let n = from; found.length < count; n++) {
    const phone = `+90535${String(n).padStart(7, '0')}`;
    await recordConsent(t, token, { recipient: phone, recipientType: 'TACIR', type: 'ARAMA' });
    const { rows } = await sql<{ first: number }>`
      SELECT get_byte(recipient_key, 0) AS first FROM consent_events ORDER BY id DESC LIMIT 1`.execute(
      t.system.database.db,
    );
    if (rows[0]!.first % 2 === lane) found.push(phone);
  }
  return found;
}

const changes = async (after?: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `${base}/consents/changes?source=HS&limit=1000${after ? `&after=${after}` : ''}`,
      headers: { authorization: `Bearer ${token}` },
    })
  ).json() as { after: string | null; list: Array<{ recipient: string; type: string }> };

test('a writer of one lane of a brand does not wait for the other lane; one of the same lane does', async () => {
  const [inLane0] = await phonesInLane(0, 1, 1000);
  const [inLane1] = await phonesInLane(1, 1, 2000);
  const holder = new pg.Client({ connectionString: t.database.url });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [LANE_NAMESPACE, brandId]);
    // Lane 1 is free: its write completes while lane 0 is held.
    await recordConsent(t, token, { recipient: inLane1, type: 'MESAJ' });
    // Lane 0 waits for the holder.
    let done = false;
    const waiting = recordConsent(t, token, { recipient: inLane0, type: 'MESAJ' }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(done, false, 'a write in a held lane waits');
    await holder.query('COMMIT');
    await waiting;
  } finally {
    await holder.end();
  }
});

test('the changes feed never passes over a movement that commits after a later one', async () => {
  const start = (await changes()).after ?? undefined;
  const [late] = await phonesInLane(0, 1, 3000);
  const early = '+905350009999';
  // A writer takes an event id, then commits after another writer of the brand has committed.
  const lateWriter = await beginLateEvent(t.database.url, { recipientType: 'TACIR', type: 'EPOSTA' });
  await recordConsent(t, token, { recipient: early, type: 'MESAJ', consentDate: recentWireDate() });
  const meanwhile = await changes(start);
  assert.ok(
    !meanwhile.list.some((m) => m.recipient === early),
    'nothing after a transaction still running is served',
  );
  await lateWriter.commit();
  const page = await changes(start);
  const types = page.list.map((m) => `${m.recipient}|${m.type}`);
  assert.ok(types.includes(`${late}|EPOSTA`), `the late movement is served: ${types.join(', ')}`);
  assert.ok(types.includes(`${early}|MESAJ`));
  assert.ok(types.indexOf(`${late}|EPOSTA`) < types.indexOf(`${early}|MESAJ`), 'in commit order');
});

test('a transaction running in another database on the same server does not hold the feed back', async () => {
  // Transaction ids are shared by every database of a server; one of another database can never write here.
  const start = (await changes()).after ?? undefined;
  const elsewhere = await createTestDatabase({ empty: true });
  const neighbour = await holdLogHorizon(elsewhere.ownerUrl);
  try {
    const phone = '+905350008888';
    await recordConsent(t, token, { recipient: phone, type: 'MESAJ', consentDate: recentWireDate() });
    const page = await changes(start);
    assert.ok(
      page.list.some((m) => m.recipient === phone),
      'served while the other database’s transaction runs',
    );
  } finally {
    await neighbour.release();
    await elsewhere.drop();
  }
});

test('write locks are refused to a transaction that has already written', async () => {
  const db = t.system.database.db;
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx
        .insertInto('feed_pulls')
        .values({ brand_id: brandId, up_to_event_id: '0', up_to_tx: null, pulled_at: new Date() })
        .execute();
      await lockForWrite(trx, { consents: createConsentRepository(db) }, [
        { brandId, recipientKeys: [Buffer.alloc(32)] },
      ]);
    }),
    /write locks are taken before the transaction writes anything/,
  );
});
