import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { signedHeadProblem, type SignedHead } from '../../../crypto/log-verify.js';
import { verifyReceipt } from '../../../crypto/receipt-signer.js';
import { checkReceiptFile } from '../../../services/gateway/receipt-check.js';
import {
  DEMO,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';
import { beginLateEvent } from '../../../../test/helpers/database.js';

let t: TestSystem;
let providerToken: string;
let account: { username: string; password: string; token: string };
const A = '+905556660001'; // ONAY
const B = '+905556660002'; // ONAY, then RET
const C = '+905556660003'; // trader with ONAY
const D = '+905556660004'; // trader with RET
const E = '+905556660005'; // nothing recorded

const provide = (recipient: string, status: string, recipientType = 'BIREYSEL', offset = 120_000) =>
  recordConsent(t, providerToken, {
    recipient,
    recipientType,
    type: 'MESAJ',
    status,
    consentDate: recentWireDate(offset),
  });

before(async () => {
  t = await startTestSystem();
  providerToken = await t.token();
  await provide(A, 'ONAY');
  await provide(B, 'ONAY', 'BIREYSEL', 180_000);
  await provide(B, 'RET');
  await provide(C, 'ONAY', 'TACIR');
  await provide(D, 'RET', 'TACIR');
  account = await t.system.gateway.addAccount('Test Operatör A.Ş.', ['MESAJ', 'ARAMA'], { seesDetail: true });
});
after(() => t.close());

const check = (body: unknown, authorization = `Bearer ${account.token}`) =>
  t.app.inject({
    method: 'POST',
    url: '/gateway/v1/check',
    headers: { authorization },
    payload: body as object,
  });

test('each recipient is answered with allowed and a reason; malformed ones are per-item errors', async () => {
  const response = await check({
    brandCode: DEMO.brandCode,
    type: 'MESAJ',
    recipients: [A, B, C, D, E, 'garbage', 'ali@example.com'],
  });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  const byRecipient = Object.fromEntries(body.results.map((r: { recipient: string }) => [r.recipient, r]));
  assert.equal(byRecipient[A].allowed, true);
  assert.equal(byRecipient[A].reason, 'ONAY');
  assert.match(byRecipient[A].since, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.deepEqual([byRecipient[B].allowed, byRecipient[B].reason], [false, 'RET']);
  assert.deepEqual([byRecipient[C].allowed, byRecipient[C].reason], [true, 'TACIR_WITHOUT_RET']);
  assert.deepEqual([byRecipient[D].allowed, byRecipient[D].reason], [false, 'RET']);
  assert.deepEqual([byRecipient[E].allowed, byRecipient[E].reason], [false, 'NO_CONSENT']);
  assert.equal(byRecipient.garbage.error.code, 'H122');
  assert.equal(byRecipient['ali@example.com'].error.code, 'H464');

  // An individual-only check ignores trader records: C has no individual consent.
  const individuals = (
    await check({ brandCode: DEMO.brandCode, type: 'MESAJ', recipientType: 'BIREYSEL', recipients: [C] })
  ).json();
  assert.deepEqual([individuals.results[0].allowed, individuals.results[0].reason], [false, 'NO_CONSENT']);

  // The receipt verifies with the published keys, for exactly these results.
  const keys = (await t.app.inject('/gateway/v1/keys')).json().keys;
  assert.equal(keys[0].crv, 'Ed25519');
  const report = checkReceiptFile(
    {
      ...body,
      request: {
        brandCode: DEMO.brandCode,
        type: 'MESAJ',
        recipientType: null,
        recipients: [A, B, C, D, E, 'garbage', 'ali@example.com'],
      },
    },
    keys,
  );
  assert.deepEqual(report.lines.slice(-2), ['results: match the receipt', 'request: matches the receipt']);
  assert.equal(report.valid, true);
  assert.equal(checkReceiptFile({ ...body, results: body.results.slice(1) }, keys).valid, false);
});

test('a receipt carries the transparency log head current at the check, signed by the log key', async () => {
  const keys = (await t.app.inject('/gateway/v1/keys')).json().keys;
  const logKeys = (await t.app.inject('/log/v1/keys')).json().keys;
  const request = { brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [A] };
  // The gateway reads the head once a second; the sequencer signs its first one when the workers start.
  let claims: Record<string, unknown> = {};
  for (let tries = 0; tries < 50 && !claims.sth; tries++) {
    const verified = verifyReceipt((await check(request)).json().receipt, keys);
    assert.ok(verified.ok);
    claims = verified.payload;
    if (!claims.sth) await sleep(100);
  }
  const sth = claims.sth as SignedHead;
  assert.ok(sth, 'the receipt names a head');
  assert.equal(await signedHeadProblem(sth, logKeys), undefined);
  const current = (await t.app.inject('/log/v1/sth')).json();
  assert.ok(sth.treeSize <= current.treeSize, 'a head the log really signed, not newer than its latest');
});

test('the AHS twin lists who must not receive the message, with HTTP Basic as the real AHS API', async () => {
  const basic = `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;
  const response = await t.app.inject({
    method: 'POST',
    url: `/ahs/brands/${DEMO.brandCode}/consents/BIREYSEL/rejected/MESAJ`,
    headers: { authorization: basic },
    payload: { recipients: [A, B, E, 'garbage'] },
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json().list, [B, E, 'garbage']);
  const wrongPassword = `Basic ${Buffer.from(`${account.username}:nope`).toString('base64')}`;
  const refused = await t.app.inject({
    method: 'POST',
    url: `/ahs/brands/${DEMO.brandCode}/consents/BIREYSEL/rejected/MESAJ`,
    headers: { authorization: wrongPassword },
    payload: { recipients: [A] },
  });
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.json().errors[0].code, 'H351');
});

test('an opt-out reaches the gateway at once, even while an older write is open, and that write once it commits', async () => {
  assert.equal(
    (await check({ brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [A] })).json().results[0].allowed,
    true,
  );
  // An older transaction that has written an event and stays open holds the log horizon back.
  const late = await beginLateEvent(t.database.url, { recipientType: 'TACIR', type: 'EPOSTA' });
  try {
    await provide(A, 'RET', 'BIREYSEL', 1000);
    let blocked = false;
    for (let i = 0; i < 100 && !blocked; i++) {
      blocked =
        (await check({ brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [A] })).json().results[0]
          .allowed === false;
      if (!blocked) await sleep(50);
    }
    assert.ok(blocked, 'the RET never reached the index while an older transaction was open');
    assert.equal(t.system.gateway.index.size, 4, 'A, B and the two traders are indexed');
  } finally {
    await late.commit();
  }
  for (let i = 0; i < 100 && t.system.gateway.index.size < 5; i++) await sleep(50);
  assert.equal(t.system.gateway.index.size, 5, 'the event that committed late is read too');
});

test('a movement written without a wake is still read within seconds', async () => {
  const before = t.system.gateway.index.size;
  // A superuser's load with triggers off (as a bulk migration might run) sends no NOTIFY.
  const write = await beginLateEvent(
    t.database.ownerUrl,
    { recipientType: 'BIREYSEL', type: 'ARAMA' },
    { triggersOff: true },
  );
  await write.commit();
  for (let i = 0; i < 200 && t.system.gateway.index.size === before; i++) await sleep(50);
  assert.equal(t.system.gateway.index.size, before + 1, 'the unannounced movement never reached the index');
});

test('bad requests and anything but a check are refused', async () => {
  const codeOf = async (body: unknown) => (await check(body)).json().errors[0].code;
  assert.equal(
    await codeOf({
      brandCode: DEMO.brandCode,
      type: 'MESAJ',
      recipients: Array.from({ length: 10_001 }, () => A),
    }),
    'H932',
  );
  assert.equal(await codeOf({ brandCode: 999_999, type: 'MESAJ', recipients: [A] }), 'H930');
  assert.equal(
    await codeOf({ brandCode: DEMO.brandCode, type: 'EPOSTA', recipients: ['a@example.com'] }),
    'H931',
  );
  assert.equal(await codeOf({ brandCode: DEMO.brandCode, type: 'SMS', recipients: [A] }), 'H117');
  assert.equal(await codeOf({ brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [] }), 'H164');
  assert.equal(await codeOf({ brandCode: DEMO.brandCode, type: 'MESAJ' }), 'H168');
  const twin = await t.app.inject({
    method: 'POST',
    url: `/ahs/brands/${DEMO.brandCode}/consents/BIREYSEL/rejected/MESAJ`,
    headers: { authorization: `Bearer ${account.token}` },
    payload: { recipients: Array.from({ length: 1001 }, () => A) },
  });
  assert.equal(twin.json().errors[0].code, 'H125');

  for (const authorization of [undefined, 'Bearer nope', `Bearer ${providerToken}`]) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/gateway/v1/check',
      headers: authorization ? { authorization } : {},
      payload: { brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [A] },
    });
    assert.equal(response.statusCode, 401);
  }
  // The gateway's credentials open nothing else.
  const bearer = { authorization: `Bearer ${account.token}` };
  for (const url of [
    `/sps/${DEMO.iysCode}/brands`,
    `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/changes`,
    '/api/regulator/complaints',
    '/api/citizen/consents',
  ]) {
    const response = await t.app.inject({ method: 'GET', url, headers: bearer });
    assert.equal(response.statusCode, 401, url);
  }
  // Addresses checked are never logged.
  assert.ok(!t.logLines.join('').includes(A.slice(1)));
});

test('a bulk upload reaches the index through the event log', async () => {
  const phones = Array.from({ length: 300 }, (_, i) => `+90555777${String(i).padStart(4, '0')}`);
  const accepted = await t.app.inject({
    method: 'POST',
    url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/request`,
    headers: { authorization: `Bearer ${providerToken}` },
    payload: phones.map((recipient) => ({
      recipient,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate: recentWireDate(),
    })),
  });
  assert.equal(accepted.statusCode, 200);
  const before = t.system.gateway.index.size;
  for (let i = 0; i < 200 && t.system.gateway.index.size < before + phones.length; i++) await sleep(50);
  assert.equal(t.system.gateway.index.size, before + phones.length);
  const results = (await check({ brandCode: DEMO.brandCode, type: 'MESAJ', recipients: phones })).json()
    .results;
  assert.ok(results.every((r: { allowed: boolean }) => r.allowed));
});

test('checks are counted per day, allowed and blocked, for the regulator dashboard', async () => {
  await check({ brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [B, E] });
  await t.system.gateway.flushCounts();
  const key = await t.system.regulator.addKey('Pano');
  const overview = (
    await t.app.inject({
      method: 'GET',
      url: '/api/regulator/dashboard',
      headers: { authorization: `Bearer ${key}` },
    })
  ).json();
  const today = overview.gatewayChecksByDay.at(-1);
  assert.ok(today.allowed > 0 && today.blocked >= 2, JSON.stringify(today));
  assert.equal(
    today.blockedShare,
    Math.round((today.blocked / (today.allowed + today.blocked)) * 1000) / 1000,
  );
  const demoBrand = overview.optOutRateByBrand.find(
    (b: { brandCode: number }) => b.brandCode === DEMO.brandCode,
  );
  assert.ok(demoBrand.consents > 300 && demoBrand.optOutRate > 0);
  assert.ok(
    overview.movementsByDay.some(
      (m: { type: string; status: string; count: number }) =>
        m.type === 'MESAJ' && m.status === 'RET' && m.count >= 3,
    ),
  );
});
