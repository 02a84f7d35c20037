import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { signIn } from '../../../../test/helpers/citizen.js';
import {
  DEMO,
  OTHER,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';
import { createTransparencyRepository } from '../../../repositories/transparency.repository.js';
import { FIGURES_PERIOD_MS } from '../../../services/transparency.service.js';

let t: TestSystem;
let now = Date.now();

before(async () => {
  t = await startTestSystem({ clock: () => new Date(now) });
});
after(() => t.close());

/** A citizen signs in and refuses Demo Marka on one channel (a RET with an IYS_* source). */
async function refuseThroughRegistry(phone: string, type: 'MESAJ' | 'ARAMA'): Promise<void> {
  const citizen = await signIn(t, phone);
  const change = await citizen.call('POST', '/api/citizen/consents/change', {
    addressId: citizen.addressId,
    brandCode: DEMO.brandCode,
    recipientType: 'BIREYSEL',
    type,
    status: 'RET',
  });
  assert.equal(change.statusCode, 204);
}

test('per-provider figures: consents, opt-out rate, upheld complaints per 10,000, opt-outs pulled within a day', async () => {
  const demo = await t.token();
  const other = await t.token(OTHER.username, OTHER.password);
  const at = () => recentWireDate(60_000, new Date(now));
  const phones = ['+905558880001', '+905558880002', '+905558880003', '+905558880004'];
  for (const recipient of phones)
    await recordConsent(t, demo, { recipient, type: 'MESAJ', consentDate: at() });
  await recordConsent(t, other, { recipient: phones[0], type: 'MESAJ', consentDate: at() }, OTHER);
  now += 120_000;

  // Two citizens refuse Demo Marka through the registry.
  for (const phone of phones.slice(0, 2)) await refuseThroughRegistry(phone, 'MESAJ');
  // The provider pulls the first of them two hours later, the second only after two days.
  now += 2 * 3600_000;
  const pull = async (after?: string) =>
    t.app.inject({
      method: 'GET',
      url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/changes?source=IYS&limit=1${after ? `&after=${after}` : ''}`,
      headers: { authorization: `Bearer ${await t.token()}` }, // the clock moves past token lifetimes
    });
  // The feed serves a movement once every transaction that began before it has ended (the log horizon):
  // on a busy machine a background job's transaction can hold it back a moment, so the pull is repeated.
  const pullOne = async (after?: string) => {
    for (let tries = 0; tries < 200; tries++) {
      const page = (await pull(after)).json();
      if (page.list.length > 0) return page;
      await sleep(25);
    }
    assert.fail('the refusal never reached the changes feed');
  };
  const first = await pullOne();
  assert.equal(first.list.length, 1);
  now += 2 * 24 * 3600_000;
  assert.equal((await pullOne(first.after)).list.length, 1);

  const figures = (await t.app.inject('/api/public/transparency')).json();
  const demoRow = figures.find((p: { iysCode: number }) => p.iysCode === DEMO.iysCode);
  assert.deepEqual(demoRow, {
    iysCode: DEMO.iysCode,
    title: 'Demo Hizmet Sağlayıcı A.Ş.',
    consents: 4,
    optOutRate: 0.5,
    upheldComplaintsPer10k: 0,
    optOutsDue: 2,
    optOutsReachedWithinADay: 0.5,
  });
  const otherRow = figures.find((p: { iysCode: number }) => p.iysCode === OTHER.iysCode);
  assert.deepEqual(
    [otherRow.consents, otherRow.optOutRate, otherRow.optOutsDue, otherRow.optOutsReachedWithinADay],
    [1, 0, 0, null],
  );

  const csv = await t.app.inject('/api/public/transparency.csv');
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(
    csv.body,
    /iysCode,title,consents,optOutRate,upheldComplaintsPer10k,optOutsDue,optOutsReachedWithinADay/,
  );
  assert.match(csv.body, /700001,Demo Hizmet Sağlayıcı A\.Ş\.,4,0\.5,0,2,0\.5/);
  for (const phone of phones) assert.ok(!csv.body.includes(phone.slice(3)), 'no personal data');
});

test('a refusal delivered by webhook within a day counts as reached, like a feed pull', async () => {
  const demo = await t.token();
  const phone = '+905558880009';
  await recordConsent(t, demo, {
    recipient: phone,
    type: 'ARAMA',
    consentDate: recentWireDate(60_000, new Date(now)),
  });
  now += 60_000;
  await refuseThroughRegistry(phone, 'ARAMA');
  const figuresNow = async () => {
    const figures = (await t.app.inject('/api/public/transparency')).json();
    const row = figures.find((p: { iysCode: number }) => p.iysCode === DEMO.iysCode);
    return [row.optOutsDue, Math.round(row.optOutsReachedWithinADay * row.optOutsDue)];
  };
  // The webhook dispatcher delivered the refusal an hour after it was recorded (as its log records it).
  const db = t.system.database.db;
  await sql`
    WITH e AS (SELECT id, brand_id, creation_date FROM consent_events ORDER BY id DESC LIMIT 1),
         w AS (INSERT INTO webhooks (id, provider_id, brand_id, url, secret_enc, status)
               SELECT gen_random_uuid(), b.provider_id, e.brand_id, 'https://example.com/h', '\\x00', 'active'
               FROM e JOIN brands b ON b.id = e.brand_id RETURNING id)
    INSERT INTO webhook_deliveries (id, webhook_id, event_id, status, attempts, next_attempt_at, created_at, delivered_at)
    SELECT gen_random_uuid(), w.id, e.id, 'delivered', 1, e.creation_date, e.creation_date,
           e.creation_date + interval '1 hour'
    FROM e, w`.execute(db);
  now += 2 * 24 * 3600_000;
  const [due, reached] = await figuresNow();
  // The earlier test's two refusals (one pulled in time) and this one (delivered in time).
  assert.deepEqual([due, reached], [3, 2]);
});

test('the figures are computed at most once a minute, and caches are told so', async () => {
  now += FIGURES_PERIOD_MS;
  const demoConsents = async () => {
    const response = await t.app.inject('/api/public/transparency');
    assert.equal(response.headers['cache-control'], 'public, max-age=60');
    return response.json().find((p: { iysCode: number }) => p.iysCode === DEMO.iysCode).consents;
  };
  const before = await demoConsents();
  const recipient = '+905558880010';
  await recordConsent(t, await t.token(), {
    recipient,
    type: 'MESAJ',
    consentDate: recentWireDate(60_000, new Date(now)),
  });
  // Within the minute every view gets the figures already computed, 50 views at once too.
  now += FIGURES_PERIOD_MS - 1_000;
  assert.equal(await demoConsents(), before);
  const views = await Promise.all(Array.from({ length: 50 }, () => demoConsents()));
  assert.deepEqual(new Set(views), new Set([before]));
  now += 1_000;
  assert.equal(await demoConsents(), before + 1);
  const csv = await t.app.inject('/api/public/transparency.csv');
  assert.equal(csv.headers['cache-control'], 'public, max-age=60');
});

test('a company title written as a formula reaches the public CSV inert', async () => {
  await sql`UPDATE providers SET title = ${'=HYPERLINK("http://evil.example","Tıkla")'} WHERE iys_code = ${OTHER.iysCode}`.execute(
    t.system.database.db,
  );
  now += FIGURES_PERIOD_MS; // the figures computed by the test before are a minute old: computed again
  const csv = (await t.app.inject('/api/public/transparency.csv')).body;
  assert.ok(csv.includes(`${OTHER.iysCode},"'=HYPERLINK(""http://evil.example"",""Tıkla"")"`), csv);
});

test('settled days of opt-outs are tallied once, and the figures stay what judging every refusal gives', async () => {
  const db = t.system.database.db;
  const transparency = createTransparencyRepository(db);
  const figures = async () =>
    (await transparency.providerFigures(new Date(now))).find((p) => p.iys_code === DEMO.iysCode)!;
  // A refusal recorded now is due tomorrow and settled two days after its UTC day.
  const phone = '+905558880011';
  await recordConsent(t, await t.token(), {
    recipient: phone,
    type: 'MESAJ',
    consentDate: recentWireDate(60_000, new Date(now)),
  });
  now += 60_000;
  await refuseThroughRegistry(phone, 'MESAJ');
  now += 24 * 3600_000 + 60_000;
  const judged = await figures();
  assert.equal(judged.opt_outs_due, 4, 'the three refusals of the tests before, and this one');

  // Every refusal so far is in a settled day three days on; the tally takes them all, once.
  now += 3 * 24 * 3600_000;
  const before = await figures();
  assert.equal(await transparency.tallyOptOuts(new Date(now)), 4);
  assert.equal(await transparency.tallyOptOuts(new Date(now)), 0, 'a second tally finds nothing left');
  const tallied = await sql<{ due: number; reached: number }>`
    SELECT sum(due)::int AS due, sum(reached)::int AS reached FROM opt_out_days`.execute(db);
  assert.deepEqual(tallied.rows[0], { due: 4, reached: before.opt_outs_reached });
  assert.deepEqual(await figures(), before);

  // The page reads the tally, not the refusals: one recorded after the mark is still judged live.
  await refuseThroughRegistry('+905558880004', 'MESAJ');
  now += 24 * 3600_000 + 60_000;
  assert.equal((await figures()).opt_outs_due, 5);
  const mark = await sql<{ at: Date }>`SELECT tallied_before AS at FROM opt_out_tally`.execute(db);
  assert.ok(mark.rows[0]!.at.getTime() <= now - 2 * 24 * 3600_000, 'the mark stays behind settled days');
});
