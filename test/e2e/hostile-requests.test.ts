/**
 * The red team's requests, one by one: each answered 500 or was stored as sent. Each must be refused with
 * its İYS code, and nothing of it may be stored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { signIn, type SignedInCitizen } from '../helpers/citizen.js';
import { onboardProvider, type PortalUser } from '../helpers/portal.js';
import { DEMO, recentWireDate, startTestSystem, type TestSystem } from '../helpers/system.js';

let t: TestSystem;
let token: string;
let admin: PortalUser;
let brandCode: number;
let citizen: SignedInCitizen;
let staffKey: string;
before(async () => {
  t = await startTestSystem();
  token = await t.token();
  ({ admin, brandCode } = await onboardProvider(t));
  citizen = await signIn(t, '+905321112233');
  staffKey = await t.system.regulator.addKey('Kurul', 'admin');
});
after(() => t.close());

const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
const asProvider = (url: string, payload: string) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload,
  });
const codeOf = (response: { json(): { errors: { code: string }[] } }) => response.json().errors[0]!.code;
const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.system.database.db))
      .rows[0]!.n,
  );

test('JSON nested 5,000 deep is refused with H970 on every İYS write path', async () => {
  const deep = '{"recipient":'.repeat(5000) + '"x"' + '}'.repeat(5000);
  for (const path of [
    '/consents',
    '/consents/request',
    '/consents/status',
    '/retailers',
    '/consents/retailers/access',
    '/consents/overIys',
  ]) {
    for (const payload of [deep, `[${deep}]`]) {
      const response = await asProvider(base + path, payload);
      assert.equal(response.statusCode, 400, `${path}: ${response.body}`);
      assert.equal(codeOf(response), 'H970', path);
    }
  }
});

test('NUL is refused everywhere, with H969, and stored nowhere', async () => {
  const webhooks = await count('webhooks');
  const complaints = await count('complaints');
  const cases = [
    await admin.call('POST', '/api/portal/webhooks', { brandCode, url: 'https://example.com/\u0000hook' }),
    await admin.call('POST', '/api/portal/brands', { name: 'Marka\u0000' }),
    await citizen.call('POST', '/api/citizen/complaints', {
      addressId: citizen.addressId,
      brandCode: DEMO.brandCode,
      type: 'MESAJ',
      receivedAt: recentWireDate(60_000),
      messageText: 'ileti\u0000metni',
    }),
    await t.app.inject({
      method: 'POST',
      url: '/api/regulator/complaints/00000000-0000-4000-8000-000000000000/decision',
      headers: { authorization: `Bearer ${staffKey}` },
      payload: { decision: 'upheld', note: 'not\u0000' },
    }),
    await t.app.inject({
      method: 'GET',
      url: '/api/regulator/complaints?status=a%00b',
      headers: { authorization: `Bearer ${staffKey}` },
    }),
    await t.app.inject({
      method: 'GET',
      url: '/api/regulator/audit?target=%00',
      headers: { authorization: `Bearer ${staffKey}` },
    }),
    await asProvider(
      `${base}/consents`,
      JSON.stringify({ recipient: '+905321234567\u0000', recipientType: 'BIREYSEL', type: 'MESAJ' }),
    ),
  ];
  for (const response of cases) {
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(codeOf(response), 'H969', response.body);
  }
  // A complaint as a multipart form with NUL in a field.
  const boundary = 'sinir';
  const form = (name: string, value: string) =>
    `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const multipart = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/complaints',
    headers: {
      cookie: citizen.cookie,
      'x-csrf-token': citizen.csrfToken,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload:
      form('addressId', citizen.addressId) +
      form('brandCode', String(DEMO.brandCode)) +
      form('type', 'MESAJ') +
      form('receivedAt', recentWireDate(60_000)) +
      form('messageText', 'a\u0000b') +
      `--${boundary}--\r\n`,
  });
  assert.equal(multipart.statusCode, 400, multipart.body);
  assert.equal(codeOf(multipart), 'H969');
  assert.equal(await count('webhooks'), webhooks);
  assert.equal(await count('complaints'), complaints);
});

test('codes beyond 32 bits, objects for strings and multipart without a boundary are 4xx', async () => {
  const gateway = await t.system.gateway.addAccount('Operatör', ['MESAJ']);
  const check = await t.app.inject({
    method: 'POST',
    url: '/gateway/v1/check',
    headers: { authorization: `Bearer ${gateway.token}` },
    payload: { brandCode: 2 ** 31, type: 'MESAJ', recipients: ['+905321234567'] },
  });
  assert.ok(check.statusCode >= 400 && check.statusCode < 500, check.body);
  const integrator = await admin.call('POST', '/api/portal/integrators', {
    brandCode: 2 ** 31,
    integratorCode: 2 ** 40,
    rights: ['MESAJ'],
  });
  assert.equal(integrator.statusCode, 404, integrator.body);
  assert.equal(codeOf(integrator), 'H930');
  const activate = await t.app.inject({
    method: 'POST',
    url: '/api/regulator/providers/2147483648/activate',
    headers: { authorization: `Bearer ${staffKey}` },
  });
  assert.equal(activate.statusCode, 404);

  const verify = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/sign-in/verify',
    payload: { challengeId: { toString: 'x' }, code: '123456' },
  });
  assert.equal(verify.statusCode, 422, verify.body);
  assert.deepEqual(verify.json().errors[0].location, ['body', 'challengeId']);

  for (const url of [
    '/api/applications',
    '/api/citizen/complaints',
    `/api/portal/brands/${brandCode}/uploads`,
  ]) {
    const response = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrfToken,
        'content-type': 'multipart/form-data',
      },
      payload: 'x',
    });
    assert.equal(response.statusCode, 415, `${url}: ${response.body}`);
    assert.equal(codeOf(response), 'H905');
  }
});

test('what the router refuses is answered in the İYS shape too', async () => {
  const long = await t.app.inject({
    method: 'GET',
    url: `/sps/${DEMO.iysCode}/brands/${'1'.repeat(150)}/consents/changes`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(long.statusCode, 414);
  assert.equal(codeOf(long), 'H968');
  const badEncoding = await t.app.inject({ method: 'GET', url: '/info/cities/%E0%A4%A' });
  assert.equal(badEncoding.statusCode, 400);
  assert.equal(codeOf(badEncoding), 'H967');
});

test('an İYS client’s "transactionId": null is treated as absent; an unknown non-null field stays H118', async () => {
  const body = {
    recipient: '+905329998877',
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: recentWireDate(60_000),
  };
  const withNull = await asProvider(`${base}/consents`, JSON.stringify({ ...body, transactionId: null }));
  assert.equal(withNull.statusCode, 200, withNull.body);
  const unknown = await asProvider(
    `${base}/consents`,
    JSON.stringify({ ...body, recipient: '+905329998876', transactionId: 'abc' }),
  );
  assert.equal(unknown.statusCode, 422);
  assert.equal(codeOf(unknown), 'H118');
  const bulk = await asProvider(
    `${base}/consents/request`,
    JSON.stringify([{ ...body, transactionId: null }]),
  );
  assert.equal(bulk.statusCode, 200, bulk.body);
});
