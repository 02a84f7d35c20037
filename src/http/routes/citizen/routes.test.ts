import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { codeSentTo, signIn } from '../../../../test/helpers/citizen.js';
import {
  citizenChanges,
  DEMO,
  OTHER,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let now = Date.now();
let providerToken: string;
let otherToken: string;

before(async () => {
  // A controllable clock: one-time-code expiry and resend intervals are tested by moving it.
  t = await startTestSystem({ clock: () => new Date(now) });
  providerToken = await t.token();
  otherToken = await t.token(OTHER.username, OTHER.password);
});
after(() => t.close());

/** A consent recorded a couple of minutes before the test clock's now. */
const provide = (token: string, iysCode: number, brandCode: number, consent: Record<string, unknown>) =>
  recordConsent(
    t,
    token,
    { consentDate: recentWireDate(120_000, new Date(now)), ...consent },
    { iysCode, brandCode },
  );

test('one-time codes: wrong code counts down, expired and reused codes are refused', async () => {
  const address = '+905551110001';
  const started = (
    await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } })
  ).json();
  const code = await codeSentTo(t, address);
  const wrong = code === '000000' ? '111111' : '000000';
  const verify = (c: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/citizen/sign-in/verify',
      payload: { challengeId: started.challengeId, code: c },
    });

  const first = await verify(wrong);
  assert.equal(first.statusCode, 400);
  assert.equal(first.json().errors[0].code, 'H915');
  assert.match(first.json().errors[0].message, /Kalan deneme hakkı: 4$/);

  // A new code for the same address within 3 minutes is refused, with the wait.
  const again = await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } });
  assert.equal(again.statusCode, 429);
  assert.equal(again.json().errors[0].code, 'H913');

  const ok = await verify(code);
  assert.equal(ok.statusCode, 200, ok.body);
  const reused = await verify(code);
  assert.equal(reused.json().errors[0].code, 'H910');
});

test('five wrong attempts lock a code; an expired code is refused', async () => {
  const address = 'deneme@example.com';
  const started = (
    await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } })
  ).json();
  const code = await codeSentTo(t, address);
  const verify = (c: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/citizen/sign-in/verify',
      payload: { challengeId: started.challengeId, code: c },
    });
  for (let i = 0; i < 4; i++) assert.equal((await verify('abc')).json().errors[0].code, 'H915');
  assert.equal((await verify('abc')).json().errors[0].code, 'H912');
  assert.equal(
    (await verify(code)).json().errors[0].code,
    'H912',
    'even the right code is refused after five misses',
  );

  now += 3 * 60_000 + 1000;
  const sentAfter = new Date(); // the catcher stamps messages with the real clock
  const next = (
    await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } })
  ).json();
  const nextCode = await codeSentTo(t, address, sentAfter);
  now += 3 * 60_000 + 1000;
  const late = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/sign-in/verify',
    payload: { challengeId: next.challengeId, code: nextCode },
  });
  assert.equal(late.json().errors[0].code, 'H911');
});

test('at most five codes per address per day', async () => {
  const address = '+905551110009';
  for (let i = 0; i < 5; i++) {
    const sent = await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } });
    assert.equal(sent.statusCode, 200, sent.body);
    now += 3 * 60_000 + 1000;
  }
  const sixth = await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } });
  assert.equal(sixth.statusCode, 429);
  assert.equal(sixth.json().errors[0].code, 'H914');
});

test('bad addresses are refused with their İYS codes', async () => {
  for (const [address, code] of [
    ['0532', 'H121'],
    ['ali@', 'H120'],
    // Not a string at all: the route's schema refuses it before the address is judged.
    [42, 'H923'],
    [{ toString: 'x' }, 'H923'],
    [undefined, 'H923'],
  ] as const) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/citizen/sign-in',
      payload: { address },
    });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().errors[0].code, code);
    if (code === 'H923') assert.deepEqual(response.json().errors[0].location, ['body', 'address']);
  }
});

test('a citizen sees every consent across brands and companies, changes one, and the provider sees it at once', async () => {
  const phone = '+905551110002';
  await provide(providerToken, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'MESAJ' });
  await provide(providerToken, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'ARAMA' });
  await provide(otherToken, OTHER.iysCode, OTHER.brandCode, { recipient: phone, type: 'MESAJ' });
  now += 60_000;

  const citizen = await signIn(t, phone);
  const view = (await citizen.call('GET', '/api/citizen/consents')).json();
  assert.deepEqual(
    view.addresses.map((a: { address: string }) => a.address),
    [phone],
  );
  assert.deepEqual(
    view.consents
      .map(
        (c: { brandName: string; company: string; type: string; status: string }) =>
          `${c.brandName}|${c.company}|${c.type}|${c.status}`,
      )
      .sort(),
    [
      'Demo Marka|Demo Hizmet Sağlayıcı A.Ş.|ARAMA|ONAY',
      'Demo Marka|Demo Hizmet Sağlayıcı A.Ş.|MESAJ|ONAY',
      'Diğer Marka|Diğer Şirket Ltd.|MESAJ|ONAY',
    ],
  );

  const change = await citizen.call('POST', '/api/citizen/consents/change', {
    addressId: citizen.addressId,
    brandCode: DEMO.brandCode,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'RET',
  });
  assert.equal(change.statusCode, 204, change.body);

  const movements = await citizenChanges(t, providerToken);
  assert.equal(movements.length, 1);
  assert.equal(movements[0]!.recipient, phone);
  assert.equal(movements[0]!.status, 'RET');
  assert.equal(movements[0]!.source, 'IYS_WEB');
  // The other company learns nothing about it.
  assert.deepEqual(await citizenChanges(t, otherToken, OTHER), []);

  const same = await citizen.call('POST', '/api/citizen/consents/change', {
    addressId: citizen.addressId,
    brandCode: DEMO.brandCode,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'RET',
  });
  assert.equal(same.json().errors[0].code, 'H174');

  const history = (
    await citizen.call(
      'GET',
      `/api/citizen/consents/history?addressId=${citizen.addressId}&brandCode=${DEMO.brandCode}&type=MESAJ`,
    )
  ).json();
  assert.deepEqual(
    history.map((h: { status: string; source: string }) => `${h.status}:${h.source}`),
    ['ONAY:HS_WEB', 'RET:IYS_WEB'],
  );

  const rejected = await citizen.call('POST', '/api/citizen/consents/reject-all', {
    addressId: citizen.addressId,
    type: 'MESAJ',
  });
  assert.deepEqual(rejected.json(), { rejected: 1 });
  const after = (await citizen.call('GET', '/api/citizen/consents')).json();
  assert.ok(
    after.consents
      .filter((c: { type: string }) => c.type === 'MESAJ')
      .every((c: { status: string }) => c.status === 'RET'),
  );
  assert.equal(after.consents.find((c: { type: string }) => c.type === 'ARAMA').status, 'ONAY');

  const csv = await citizen.call('GET', '/api/citizen/export?format=csv');
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(
    csv.body,
    /address,brandCode,brandName,company,recipientType,type,status,source,consentDate,lastChange/,
  );
  assert.equal(csv.body.trim().split('\n').length, 4);
  const json = (await citizen.call('GET', '/api/citizen/export?format=json')).json();
  assert.equal(json.consents.length, 3);
  assert.equal(json.history[0].movements.length, 5);
});

test('sessions and CSRF: no cookie is H916, a state change without the token is H917 and changes nothing', async () => {
  const phone = '+905551110003';
  await provide(providerToken, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'MESAJ' });
  const citizen = await signIn(t, phone);
  assert.equal(
    (await t.app.inject({ method: 'GET', url: '/api/citizen/consents' })).json().errors[0].code,
    'H916',
  );
  const forged = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/consents/reject-all',
    headers: { cookie: citizen.cookie },
    payload: { addressId: citizen.addressId, type: 'MESAJ' },
  });
  assert.equal(forged.statusCode, 403);
  assert.equal(forged.json().errors[0].code, 'H917');
  const view = (await citizen.call('GET', '/api/citizen/consents')).json();
  assert.equal(view.consents[0].status, 'ONAY');

  assert.equal((await citizen.call('POST', '/api/citizen/sign-out')).statusCode, 204);
  assert.equal((await citizen.call('GET', '/api/citizen/consents')).json().errors[0].code, 'H916');
});

test("a citizen can add and remove addresses, and never touch someone else's", async () => {
  const mine = await signIn(t, '+905551110004');
  const theirs = await signIn(t, '+905551110005');
  await provide(providerToken, DEMO.iysCode, DEMO.brandCode, { recipient: '+905551110005', type: 'MESAJ' });

  const foreign = await mine.call('POST', '/api/citizen/consents/reject-all', {
    addressId: theirs.addressId,
    type: 'MESAJ',
  });
  assert.equal(foreign.statusCode, 403);
  assert.equal(foreign.json().errors[0].code, 'H918');
  assert.equal(
    (await mine.call('GET', `/api/citizen/consents/history?addressId=${theirs.addressId}`)).json().errors[0]
      .code,
    'H918',
  );

  const email = 'ikinci.adres@example.com';
  const started = await mine.call('POST', '/api/citizen/addresses', { address: email });
  assert.equal(started.statusCode, 200, started.body);
  const code = await codeSentTo(t, email);
  const added = await mine.call('POST', '/api/citizen/addresses/verify', {
    challengeId: started.json().challengeId,
    code,
  });
  assert.equal(added.statusCode, 200, added.body);
  assert.equal(added.json().address, email);
  assert.equal((await mine.call('GET', '/api/citizen/session')).json().addresses.length, 2);

  // A sign-in challenge cannot be used to add an address to another account.
  const signInChallenge = (
    await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address: '+905551110006' } })
  ).json();
  const stolen = await mine.call('POST', '/api/citizen/addresses/verify', {
    challengeId: signInChallenge.challengeId,
    code: await codeSentTo(t, '+905551110006'),
  });
  assert.equal(stolen.json().errors[0].code, 'H910');

  assert.equal((await mine.call('DELETE', `/api/citizen/addresses/${added.json().id}`)).statusCode, 204);
  assert.equal((await mine.call('GET', '/api/citizen/session')).json().addresses.length, 1);
});

test('a phone typed the Turkish way signs in to the same account as its E.164 form', async () => {
  const started = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/sign-in',
    payload: { address: '0555 111 00 77' },
  });
  assert.equal(started.statusCode, 200, started.body);
  const code = await codeSentTo(t, '+905551110077');
  assert.match(code, /^\d{6}$/);
});
