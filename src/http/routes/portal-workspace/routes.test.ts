import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { onboardProvider, portalUserFrom, type PortalUser } from '../../../../test/helpers/portal.js';
import {
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let admin: PortalUser;
let iysCode: number;
let brandCode: number;
before(async () => {
  t = await startTestSystem();
  ({ admin, iysCode, brandCode } = await onboardProvider(t));
});
after(() => t.close());

test('an API credential made in the portal works on the İYS API, and stops when revoked', async () => {
  const created = await admin.call('POST', '/api/portal/api-users', { username: 'Entegrasyon' });
  assert.equal(created.statusCode, 200, created.body);
  const { id, username, password } = created.json();
  assert.equal(username, 'entegrasyon');
  const token = await t.token(username, password);
  const brands = await t.app.inject({
    method: 'GET',
    url: `/sps/${iysCode}/brands`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(brands.statusCode, 200, brands.body);
  assert.deepEqual(
    brands.json().map((b: { brandCode: number; master: boolean }) => [b.brandCode, b.master]),
    [[brandCode, true]],
  );
  const listed = (await admin.call('GET', '/api/portal/api-users')).json();
  assert.equal(JSON.stringify(listed).includes(password), false, 'the secret is never shown again');

  const taken = await admin.call('POST', '/api/portal/api-users', { username: 'demo' });
  assert.equal(taken.json().errors[0].code, 'H956');
  assert.equal((await admin.call('POST', `/api/portal/api-users/${id}/revoke`)).statusCode, 200);
  const after = await t.app.inject({
    method: 'GET',
    url: `/sps/${iysCode}/brands`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(after.statusCode, 401);
});

test('brands are created with a registry code and renamed; another provider’s brand is not found', async () => {
  const created = await admin.call('POST', '/api/portal/brands', { name: 'Örnek Outlet' });
  assert.equal(created.statusCode, 200, created.body);
  const code = created.json().brandCode;
  assert.notEqual(code, brandCode);
  assert.equal(
    (await admin.call('PUT', `/api/portal/brands/${code}`, { name: 'Örnek Mağazaları' })).statusCode,
    200,
  );
  const names = (await admin.call('GET', '/api/portal/brands')).json().map((b: { name: string }) => b.name);
  assert.ok(names.includes('Örnek Mağazaları'));
  const foreign = await admin.call('PUT', '/api/portal/brands/700010', { name: 'Ele geçirme' });
  assert.equal(foreign.statusCode, 404);
  assert.equal((await admin.call('POST', '/api/portal/brands', { name: ' ' })).json().errors[0].code, 'H940');
});

test('a brand name cannot carry a link, a phone number or hidden characters, nor repeat another brand', async () => {
  for (const name of ['Kampanya bit.ly/x', 'Hemen ara 0532 123 45 67', 'Güvenli\u202Ekaf', 'www.indirim']) {
    const refused = await admin.call('POST', '/api/portal/brands', { name });
    assert.equal(refused.statusCode, 422, name);
    assert.equal(refused.json().errors[0].code, 'H974', name);
  }
  const created = (await admin.call('POST', '/api/portal/brands', { name: 'Kış Koleksiyonu' })).json();
  const twin = await admin.call('POST', '/api/portal/brands', { name: '  KIŞ   koleksiyonu ' });
  assert.equal(twin.json().errors[0].code, 'H975');
  const renamed = await admin.call('PUT', `/api/portal/brands/${created.brandCode}`, {
    name: 'ara: 05321234567',
  });
  assert.equal(renamed.json().errors[0].code, 'H974');
  // Renaming a brand to (a spelling of) its own name is not a duplicate.
  const same = await admin.call('PUT', `/api/portal/brands/${created.brandCode}`, {
    name: 'Kış koleksiyonu',
  });
  assert.equal(same.statusCode, 200, same.body);
  const names = (await admin.call('GET', '/api/portal/brands')).json().map((b: { name: string }) => b.name);
  assert.ok(!names.some((n: string) => /bit\.ly|0532|www\./.test(n)));
  assert.equal(names.filter((n: string) => n.toLocaleLowerCase('tr-TR') === 'kış koleksiyonu').length, 1);
});

test('counts per channel and an exact search show only this provider’s consents', async () => {
  const { username, password } = (
    await admin.call('POST', '/api/portal/api-users', { username: 'sayim' })
  ).json();
  const token = await t.token(username, password);
  const phone = '+905551112233';
  await recordConsent(
    t,
    token,
    { recipient: phone, type: 'MESAJ', consentDate: recentWireDate() },
    { iysCode, brandCode },
  );
  // The same person also consented to a sandbox brand, which this provider must not see.
  await recordConsent(t, await t.token(), { recipient: phone, type: 'ARAMA', consentDate: recentWireDate() });

  const brands = (await admin.call('GET', '/api/portal/brands')).json();
  const master = brands.find((b: { brandCode: number }) => b.brandCode === brandCode);
  assert.deepEqual(master.byChannel, [{ type: 'MESAJ', status: 'ONAY', count: 1 }]);

  const found = await admin.call('GET', `/api/portal/consents?recipient=${encodeURIComponent(phone)}`);
  assert.equal(found.statusCode, 200, found.body);
  assert.deepEqual(
    found.json().consents.map((c: { brandCode: number; type: string }) => [c.brandCode, c.type]),
    [[brandCode, 'MESAJ']],
  );
  assert.equal(found.json().history.length, 1);
  // A person types the number the Turkish way: the same consent is found.
  const typed = await admin.call(
    'GET',
    `/api/portal/consents?recipient=${encodeURIComponent('0' + phone.slice(3))}`,
  );
  assert.equal(typed.statusCode, 200, typed.body);
  assert.equal(typed.json().history.length, 1);
  const bad = await admin.call('GET', '/api/portal/consents?recipient=0555111223');
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().errors[0].code, 'H121');
});

test('a read-only user may look but not manage', async () => {
  await admin.call('POST', '/api/portal/users', {
    email: 'izleyici@ornek.com.tr',
    name: 'İzleyici',
    role: 'readonly',
  });
  const message = await t.system.devOutbox!.waitFor((m) => m.to === 'izleyici@ornek.com.tr');
  const token = /davet#([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
  const viewer = portalUserFrom(
    t,
    await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token, password: 'viewer password 1' },
    }),
  );
  assert.equal((await viewer.call('GET', '/api/portal/brands')).statusCode, 200);
  assert.equal((await viewer.call('POST', '/api/portal/brands', { name: 'Yasak Marka' })).statusCode, 403);
  assert.equal((await viewer.call('GET', '/api/portal/api-users')).statusCode, 403);
});

test('a retailer’s user sees only the consents of that retailer, and nothing of the company', async () => {
  const added = await admin.call('POST', `/api/portal/brands/${brandCode}/retailers`, {
    title: 'Ankara Bayi',
    name: 'Veli Bayi',
    tckn: '10000000146',
    city: { code: '06' },
    town: { code: '0601' },
  });
  assert.equal(added.statusCode, 200, added.body);
  const { retailerCode } = added.json();
  const listed = (await admin.call('GET', `/api/portal/brands/${brandCode}/retailers`)).json();
  assert.equal(listed.list[0].retailerCode, retailerCode);

  const { username, password } = (
    await admin.call('POST', '/api/portal/api-users', { username: 'bayi-api' })
  ).json();
  const token = await t.token(username, password);
  const viaRetailer = '+905551114455';
  await recordConsent(
    t,
    token,
    { recipient: viaRetailer, type: 'MESAJ', retailerCode },
    { iysCode, brandCode },
  );
  await recordConsent(t, token, { recipient: '+905551114466', type: 'MESAJ' }, { iysCode, brandCode });

  const invited = await admin.call('POST', `/api/portal/retailers/${retailerCode}/users`, {
    email: 'bayi@ankara.example.com',
    name: 'Veli Bayi',
  });
  assert.equal(invited.statusCode, 200, invited.body);
  const message = await t.system.devOutbox!.waitFor((m) => m.to === 'bayi@ankara.example.com');
  const inviteToken = /davet#([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
  const retailerUser = portalUserFrom(
    t,
    await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token: inviteToken, password: 'retailer password 1' },
    }),
  );
  const session = (await retailerUser.call('GET', '/api/portal/session')).json();
  assert.deepEqual(session.retailer, { code: retailerCode, title: 'Ankara Bayi' });
  const visible = await retailerUser.call('GET', '/api/portal/retailer/consents');
  assert.equal(visible.statusCode, 200, visible.body);
  assert.deepEqual(
    visible.json().map((c: { recipient: string }) => c.recipient),
    [viaRetailer],
  );
  for (const url of [
    '/api/portal/brands',
    `/api/portal/consents?recipient=${encodeURIComponent(viaRetailer)}`,
  ]) {
    assert.equal((await retailerUser.call('GET', url)).statusCode, 403, url);
  }
  assert.equal((await admin.call('GET', '/api/portal/retailer/consents')).statusCode, 403);
  const foreign = await admin.call('POST', '/api/portal/retailers/1/users', {
    email: 'x@y.example.com',
    name: 'X Y',
  });
  assert.equal(foreign.json().errors[0].code, 'H180');
});

test('bulk requests sent through the API are listed with their item counts', async () => {
  const { username, password } = (
    await admin.call('POST', '/api/portal/api-users', { username: 'bulk-api' })
  ).json();
  const token = await t.token(username, password);
  const consentDate = recentWireDate();
  const sent = await t.app.inject({
    method: 'POST',
    url: `/sps/${iysCode}/brands/${brandCode}/consents/request`,
    headers: { authorization: `Bearer ${token}` },
    payload: [
      {
        recipient: '+905551117701',
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'ONAY',
        source: 'HS_WEB',
        consentDate,
      },
      {
        recipient: '+905551117702',
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'RET',
        source: 'HS_WEB',
        consentDate,
      },
    ],
  });
  assert.equal(sent.statusCode, 200, sent.body);
  const { requestId } = sent.json();
  for (let i = 0; i < 100; i++) {
    const listed = (await admin.call('GET', '/api/portal/bulk-requests')).json();
    const mine = listed.find((r: { requestId: string }) => r.requestId === requestId);
    if (mine?.completedAt) {
      assert.deepEqual([mine.total, mine.succeeded, mine.failed], [2, 1, 1]);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('the bulk request was not completed');
});
