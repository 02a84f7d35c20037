import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { connectDatabase } from '../../../db/connect.js';
import { signIn, type SignedInCitizen } from '../../../../test/helpers/citizen.js';
import {
  DEMO,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let citizen: SignedInCitizen;
let regulatorKey: string;
let adminKey: string;
let complaintId: string;
const phone = '+905557770001';

before(async () => {
  t = await startTestSystem();
  await recordConsent(t, await t.token(), {
    recipient: phone,
    type: 'MESAJ',
    consentDate: recentWireDate(3600_000),
  });
  citizen = await signIn(t, phone);
  const filed = await citizen.call('POST', '/api/citizen/complaints', {
    addressId: citizen.addressId,
    brandCode: DEMO.brandCode,
    type: 'MESAJ',
    receivedAt: recentWireDate(60_000),
    messageText: 'İstemediğim kampanya mesajı',
  });
  assert.equal(filed.statusCode, 200, filed.body);
  complaintId = filed.json().id;
  regulatorKey = await t.system.regulator.addKey('Ayşe Denetçi');
  adminKey = await t.system.regulator.addKey('Kayıt Yöneticisi', 'admin');
});
after(() => t.close());

const as = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

test('a regulator decides a complaint; the citizen sees the status and is told', async () => {
  const bad = await as(regulatorKey, 'POST', `/api/regulator/complaints/${complaintId}/decision`, {
    decision: 'guilty',
  });
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().errors[0].code, 'H923');
  const unknown = await as(
    regulatorKey,
    'POST',
    '/api/regulator/complaints/00000000-0000-4000-8000-000000000000/decision',
    { decision: 'upheld' },
  );
  assert.equal(unknown.json().errors[0].code, 'H933');

  const decided = await as(regulatorKey, 'POST', `/api/regulator/complaints/${complaintId}/decision`, {
    decision: 'upheld',
    note: 'Markaya yazı gönderildi.',
  });
  assert.equal(decided.statusCode, 200, decided.body);
  assert.deepEqual(decided.json(), { id: complaintId, status: 'upheld' });

  const listed = (await as(regulatorKey, 'GET', '/api/regulator/complaints?status=upheld')).json();
  assert.deepEqual(
    listed.map((c: { id: string }) => c.id),
    [complaintId],
  );
  const mine = (await citizen.call('GET', '/api/citizen/complaints')).json();
  assert.equal(mine[0].status, 'upheld');
  const told = await t.system.devOutbox!.waitFor(
    (m) => m.to === phone && m.text.includes('şikayetiniz haklı bulundu'),
  );
  assert.match(told.text, /Not: Markaya yazı gönderildi\./);
});

test('only admins suspend a provider; its tokens stop working at once, and work again when reactivated', async () => {
  const token = await t.token();
  const brands = () =>
    t.app.inject({
      method: 'GET',
      url: `/sps/${DEMO.iysCode}/brands`,
      headers: { authorization: `Bearer ${token}` },
    });
  assert.equal((await brands()).statusCode, 200);

  const refused = await as(regulatorKey, 'POST', `/api/regulator/providers/${DEMO.iysCode}/suspend`);
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().errors[0].code, 'H353');
  assert.equal(
    (await as(adminKey, 'POST', '/api/regulator/providers/123/suspend')).json().errors[0].code,
    'H934',
  );

  assert.equal(
    (await as(adminKey, 'POST', `/api/regulator/providers/${DEMO.iysCode}/suspend`)).statusCode,
    200,
  );
  const suspended = await brands();
  assert.equal(suspended.statusCode, 401);
  assert.equal(suspended.json().errors[0].code, 'H351');
  const login = await t.app.inject({
    method: 'POST',
    url: '/oauth2/token',
    payload: { grant_type: 'password', username: DEMO.username, password: DEMO.password },
  });
  assert.equal(login.statusCode, 400);

  assert.equal(
    (await as(adminKey, 'POST', `/api/regulator/providers/${DEMO.iysCode}/activate`)).statusCode,
    200,
  );
  assert.equal((await brands()).statusCode, 200);
});

test('every staff action is in the append-only audit log, searchable by actor, action, target and time', async () => {
  const byAdmin = (
    await as(adminKey, 'GET', `/api/regulator/audit?actor=${encodeURIComponent('admin:Kayıt Yöneticisi')}`)
  ).json();
  assert.deepEqual(
    byAdmin.map((e: { action: string }) => e.action),
    ['provider.activate', 'provider.suspend'],
  );
  const decisions = (
    await as(
      regulatorKey,
      'GET',
      `/api/regulator/audit?action=complaint.decide&target=complaint:${complaintId}`,
    )
  ).json();
  assert.equal(decisions.length, 1);
  assert.equal(decisions[0].actor, 'regulator:Ayşe Denetçi');
  assert.deepEqual(decisions[0].details, { decision: 'upheld' });
  const lists = (await as(regulatorKey, 'GET', '/api/regulator/audit?action=complaints.list')).json();
  assert.ok(lists.length >= 1);
  const future = (await as(regulatorKey, 'GET', '/api/regulator/audit?from=2099-01-01%2000:00:00')).json();
  assert.deepEqual(future, []);
  assert.equal(
    (await as(regulatorKey, 'GET', '/api/regulator/audit?from=yesterday')).json().errors[0].code,
    'H158',
  );
  assert.equal((await as(regulatorKey, 'GET', '/api/regulator/audit?limit=0')).json().errors[0].code, 'H183');

  // The serving role lacks the privilege; the owner meets the trigger.
  for (const statement of [sql`UPDATE audit_log SET actor = 'someone else'`, sql`DELETE FROM audit_log`]) {
    await assert.rejects(statement.execute(t.system.database.db), /permission denied for table audit_log/);
  }
  const owner = connectDatabase(t.database.ownerUrl, { max: 1 });
  try {
    await assert.rejects(sql`UPDATE audit_log SET actor = 'x'`.execute(owner.db), /audit_log is append-only/);
    await assert.rejects(sql`DELETE FROM audit_log`.execute(owner.db), /audit_log is append-only/);
  } finally {
    await owner.close();
  }
});

test('the console signs in with the key once and then holds an httpOnly session bound to a CSRF token', async () => {
  const wrong = await t.app.inject({
    method: 'POST',
    url: '/api/regulator/session',
    payload: { key: 'nope' },
  });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().errors[0].code, 'H351');

  const opened = await t.app.inject({
    method: 'POST',
    url: '/api/regulator/session',
    payload: { key: regulatorKey },
    remoteAddress: '198.51.100.77',
  });
  assert.equal(opened.statusCode, 200, opened.body);
  const setCookie = String(opened.headers['set-cookie']);
  assert.match(setCookie, /openiys_staff=[^;]+;.*HttpOnly/i);
  assert.match(setCookie, /SameSite=Lax/i);
  const cookie = setCookie.split(';')[0]!;
  const { csrfToken, name } = opened.json();
  assert.equal(name, 'Ayşe Denetçi');
  assert.equal(opened.body.includes(regulatorKey), false);

  const asConsole = (
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string> = {},
    payload?: object,
  ) => t.app.inject({ method, url, headers: { cookie, ...headers }, ...(payload ? { payload } : {}) });
  assert.equal((await asConsole('GET', '/api/regulator/complaints')).statusCode, 200);
  const decision = { decision: 'needs_information', note: 'Ekran görüntüsü ekleyin.' };
  const forged = await asConsole('POST', `/api/regulator/complaints/${complaintId}/decision`, {}, decision);
  assert.equal(forged.statusCode, 403, 'no CSRF token, no state change');
  assert.equal(forged.json().errors[0].code, 'H917');
  const decided = await asConsole(
    'POST',
    `/api/regulator/complaints/${complaintId}/decision`,
    { 'x-csrf-token': csrfToken },
    decision,
  );
  assert.equal(decided.statusCode, 200, decided.body);
  assert.equal((await asConsole('GET', '/api/regulator/session')).json().csrfToken, csrfToken);

  const audit = await t.app.inject({
    method: 'GET',
    url: '/api/regulator/audit?action=staff.sign-in',
    headers: { authorization: `Bearer ${adminKey}` },
  });
  assert.equal(audit.json()[0].clientAddress, '198.51.100.77');

  assert.equal((await asConsole('POST', '/api/regulator/sign-out')).statusCode, 204);
  assert.equal(
    (await asConsole('GET', '/api/regulator/complaints')).statusCode,
    401,
    'the session has ended',
  );
});

test('staff rename a misleading brand and block it: no new ONAY (H984), refusals still recorded', async () => {
  const staff = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${regulatorKey}` },
      ...(payload ? { payload } : {}),
    });
  const brand = '/api/regulator/brands/700011';
  const phishing = await staff('POST', `${brand}/rename`, { name: 'iys-iade.com', reason: 'deneme' });
  assert.equal(phishing.json().errors[0].code, 'H974', 'the name rules apply to staff too');
  const renamed = await staff('POST', `${brand}/rename`, { name: 'Demo Outlet', reason: 'Yanıltıcı ad' });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.deepEqual(renamed.json(), { brandCode: 700011, name: 'Demo Outlet', blocked: false });
  const token = await t.token();
  const record = (status: string, recipient: string, ageMs = 60_000) =>
    t.app.inject({
      method: 'POST',
      url: `/sps/${DEMO.iysCode}/brands/700011/consents`,
      headers: { authorization: `Bearer ${token}` },
      payload: {
        recipient,
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status,
        source: 'HS_WEB',
        consentDate: recentWireDate(ageMs),
      },
    });
  assert.equal((await record('ONAY', '+905557770102', 120_000)).statusCode, 200, 'before the block');
  assert.equal((await staff('POST', `${brand}/block`, {})).statusCode, 422, 'a block needs a reason');
  assert.equal(
    (await staff('POST', `${brand}/block`, { reason: 'Şikayet incelemesi' })).json().blocked,
    true,
  );

  const onay = await record('ONAY', '+905557770101');
  assert.equal(onay.json().errors?.[0].code, 'H984', onay.body);
  const ret = await record('RET', '+905557770102');
  assert.equal(ret.statusCode, 200, `a refusal is always recorded: ${ret.body}`);
  assert.equal((await staff('POST', `${brand}/unblock`, { reason: 'İnceleme bitti' })).statusCode, 200);
  assert.equal((await record('ONAY', '+905557770101')).statusCode, 200);

  const audit = await t.app.inject({
    method: 'GET',
    url: '/api/regulator/audit?target=brand:700011',
    headers: { authorization: `Bearer ${adminKey}` },
  });
  const actions = audit.json().map((e: { action: string }) => e.action);
  assert.deepEqual(actions, ['brand.unblock', 'brand.block', 'brand.rename']);
  assert.equal(audit.json()[2].details.to, 'Demo Outlet');
});

test('the audit log is filtered by area (what the actions concern), not only by an exact action name', async () => {
  const read = async (query: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/regulator/audit?${query}`,
      headers: { authorization: `Bearer ${adminKey}` },
    });
  const complaints = (await read('area=complaints')).json() as Array<{ action: string }>;
  assert.ok(complaints.length > 0);
  assert.ok(
    complaints.every((e) => /^complaints?\./.test(e.action)),
    JSON.stringify(complaints.map((e) => e.action)),
  );
  const brands = (await read('area=brands')).json() as Array<{ action: string }>;
  assert.deepEqual([...new Set(brands.map((e) => e.action))].sort(), [
    'brand.block',
    'brand.rename',
    'brand.unblock',
  ]);
  const unknown = await read('area=everything');
  assert.equal(unknown.statusCode, 422);
  assert.equal(unknown.json().errors[0].code, 'H923');
});
