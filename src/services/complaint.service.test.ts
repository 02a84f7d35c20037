import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { formatWireDate } from '../domain/wire-date.js';
import { signIn, type SignedInCitizen } from '../../test/helpers/citizen.js';
import { multipart } from '../../test/helpers/multipart.js';
import { DEMO, recentWireDate, startTestSystem, type TestSystem } from '../../test/helpers/system.js';

let t: TestSystem;
let citizen: SignedInCitizen;
let regulatorKey: string;
const phone = '+905554440001';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);

/** The registry's clock runs this far behind: the consents below were *recorded* in the past too. */
let behindMs = 0;
before(async () => {
  t = await startTestSystem({ clock: () => new Date(Date.now() - behindMs) });
  const token = await t.token();
  const add = (status: string, offset: number) =>
    t.app.inject({
      method: 'POST',
      url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`,
      headers: { authorization: `Bearer ${token}` },
      payload: {
        recipient: phone,
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status,
        source: 'HS_WEB',
        consentDate: recentWireDate(offset),
      },
    });
  // ONAY dated an hour ago, recorded 50 minutes ago; RET dated 40 minutes ago, recorded 35 minutes ago.
  behindMs = 50 * 60_000;
  assert.equal((await add('ONAY', 3600_000)).statusCode, 200);
  behindMs = 35 * 60_000;
  assert.equal((await add('RET', 2400_000)).statusCode, 200);
  behindMs = 0;
  citizen = await signIn(t, phone);
  regulatorKey = await t.system.regulator.addKey('Test Kurulu');
});
after(() => t.close());

const file = (fields: Record<string, string>, screenshot?: { name: string; type: string; data: Buffer }) => {
  const body = multipart(fields, screenshot && { field: 'screenshot', ...screenshot });
  return t.app.inject({
    method: 'POST',
    url: '/api/citizen/complaints',
    headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrfToken, 'content-type': body.contentType },
    payload: body.payload,
  });
};

const fields = () => ({
  addressId: citizen.addressId,
  brandCode: String(DEMO.brandCode),
  type: 'MESAJ',
  receivedAt: recentWireDate(600_000),
  messageText: 'Kampanya: bugüne özel %50 indirim!',
});

test('a complaint with a screenshot gets the consent evidence at the moment of receipt', async () => {
  const response = await file(fields(), { name: 'ekran.png', type: 'image/png', data: PNG });
  assert.equal(response.statusCode, 200, response.body);
  const { verdict, evidence } = response.json();
  // The RET was half an hour old when the message came: still inside the 3-business-day grace period.
  assert.equal(verdict, 'RET_GRACE_PERIOD');
  assert.equal(evidence.inForce.status, 'RET');
  assert.deepEqual(
    evidence.history.map((h: { status: string }) => h.status),
    ['ONAY', 'RET'],
  );

  const mine = (await citizen.call('GET', '/api/citizen/complaints')).json();
  assert.equal(mine.length, 1);
  assert.equal(mine[0].hasScreenshot, true);
  assert.equal(mine[0].status, 'received');
  assert.equal(mine[0].messageText, 'Kampanya: bugüne özel %50 indirim!');
});

test('a message received while the ONAY was in force is pre-screened as consented; JSON works without a screenshot', async () => {
  const response = await citizen.call('POST', '/api/citizen/complaints', {
    ...fields(),
    brandCode: DEMO.brandCode,
    // Between the ONAY's recording and the RET's.
    receivedAt: recentWireDate(45 * 60_000),
    province: '34',
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.json().verdict, 'ONAY_IN_FORCE');
  const none = await citizen.call('POST', '/api/citizen/complaints', {
    ...fields(),
    brandCode: DEMO.secondBrandCode,
  });
  assert.equal(none.json().verdict, 'NO_CONSENT');
});

test('fake, oversized or mistyped images and bad fields are refused, and nothing is stored', async () => {
  const count = async () => (await citizen.call('GET', '/api/citizen/complaints')).json().length;
  const before = await count();
  const fake = await file(fields(), {
    name: 'ekran.png',
    type: 'image/png',
    data: Buffer.from('<svg onload=alert(1)>'),
  });
  assert.equal(fake.statusCode, 422);
  assert.equal(fake.json().errors[0].code, 'H922');
  const huge = await file(fields(), {
    name: 'big.png',
    type: 'image/png',
    data: Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]),
  });
  assert.equal(huge.statusCode, 422, huge.body);
  assert.equal(huge.json().errors[0].code, 'H922');

  const bad = await file({
    ...fields(),
    type: 'EPOSTA',
    receivedAt: '2099-01-01 00:00:00',
    brandCode: '999999',
    messageText: ' ',
  });
  assert.equal(bad.statusCode, 422);
  assert.deepEqual(
    bad
      .json()
      .errors.map((e: { code: string }) => e.code)
      .sort(),
    ['H162', 'H459', 'H923', 'H923'],
  );
  const future = formatWireDate(new Date(Date.now() + 3600_000));
  assert.equal((await file({ ...fields(), receivedAt: future })).json().errors[0].code, 'H162');
  const foreign = await file({ ...fields(), addressId: 'ab'.repeat(32) });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().errors[0].code, 'H918');
  assert.equal(await count(), before);
});

test('the regulator API lists complaints with the evidence, filtered, for key holders only', async () => {
  const list = await t.app.inject({
    method: 'GET',
    url: '/api/regulator/complaints?verdict=RET_GRACE_PERIOD',
    headers: { authorization: `Bearer ${regulatorKey}` },
  });
  assert.equal(list.statusCode, 200, list.body);
  assert.ok(list.json().length >= 1);
  assert.ok(
    list
      .json()
      .every(
        (c: { verdict: string; evidence: { verdict: string } }) =>
          c.verdict === 'RET_GRACE_PERIOD' && c.evidence.verdict === c.verdict,
      ),
  );
  assert.equal(list.json()[0].company, 'Demo Hizmet Sağlayıcı A.Ş.');
  const byBrand = await t.app.inject({
    method: 'GET',
    url: `/api/regulator/complaints?brandCode=${DEMO.secondBrandCode}`,
    headers: { authorization: `Bearer ${regulatorKey}` },
  });
  assert.deepEqual(
    byBrand.json().map((c: { verdict: string }) => c.verdict),
    ['NO_CONSENT'],
  );

  for (const headers of [
    {},
    { authorization: 'Bearer nope' },
    { authorization: `Bearer ${await t.token()}` },
  ]) {
    const refused = await t.app.inject({ method: 'GET', url: '/api/regulator/complaints', headers });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().errors[0].code, 'H351');
  }
  const badFilter = await t.app.inject({
    method: 'GET',
    url: '/api/regulator/complaints?verdict=GUILTY&limit=500',
    headers: { authorization: `Bearer ${regulatorKey}` },
  });
  assert.deepEqual(
    badFilter.json().errors.map((e: { code: string }) => e.code),
    ['H923', 'H186'],
  );
});

test('complaints carry the citizen’s province: validated, filterable, and counted on the dashboard', async () => {
  const bad = await citizen.call('POST', '/api/citizen/complaints', {
    ...fields(),
    brandCode: DEMO.brandCode,
    province: '82',
  });
  assert.equal(bad.statusCode, 422);
  assert.deepEqual(bad.json().errors[0].location, ['province']);
  const inIstanbul = (
    await t.app.inject({
      method: 'GET',
      url: '/api/regulator/complaints?province=34',
      headers: { authorization: `Bearer ${regulatorKey}` },
    })
  ).json();
  assert.deepEqual(
    inIstanbul.map((c: { province: string; verdict: string }) => [c.province, c.verdict]),
    [['34', 'ONAY_IN_FORCE']],
  );
  const overview = (
    await t.app.inject({
      method: 'GET',
      url: '/api/regulator/dashboard',
      headers: { authorization: `Bearer ${regulatorKey}` },
    })
  ).json();
  assert.deepEqual(overview.complaintsByProvince, [{ code: '34', name: 'İstanbul', complaints: 1 }]);
  const provinces = (await t.app.inject('/api/public/provinces')).json();
  assert.equal(provinces.length, 81);
  assert.deepEqual(
    provinces.find((p: { code: string }) => p.code === '06'),
    { code: '06', name: 'Ankara' },
  );
});
