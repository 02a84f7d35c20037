import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  AGREEMENT_PDF,
  confirmApplication,
  PERSON_APPLICATION,
  invitationTokenFor,
  onboardProvider,
  submitApplication,
  type PortalUser,
} from '../helpers/portal.js';
import type { AbuseLimits } from '../../src/services/abuse-guard.service.js';
import { DEMO, startTestSystem, type TestSystem } from '../helpers/system.js';

/** Abuse limits (issue 10, items 6–8) through the HTTP API, from distinct client addresses. */

let now = new Date();
const advance = (ms: number) => void (now = new Date(now.getTime() + ms));
let t: TestSystem;
let admin: PortalUser;
/** A system with tight limits on messages sent on request (sign-in tests invite many users: none there). */
async function startWith(abuseLimits: Partial<AbuseLimits>) {
  t = await startTestSystem({ clock: () => now, abuseLimits });
  ({ admin } = await onboardProvider(t));
}

const errorOf = (response: LightMyRequestResponse) =>
  (response.json() as { errors: { code: string }[] }).errors[0]!;

function portalSignIn(email: string, password: string, from: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/portal/sign-in',
    payload: { email, password },
    remoteAddress: from,
  });
}

let users = 0;
/** A new portal user with its own password (each test guesses at its own account). */
async function newPortalUser(): Promise<{ email: string; password: string }> {
  const email = `kisi${++users}@ornek.com.tr`;
  const invited = await admin.call('POST', '/api/portal/users', {
    email,
    name: 'Deneme Kişi',
    role: 'readonly',
  });
  assert.equal(invited.statusCode, 200, invited.body);
  const token = await invitationTokenFor(t, email);
  const password = `own password ${users}`;
  const accepted = await t.app.inject({
    method: 'POST',
    url: '/api/portal/invitation',
    payload: { token, password },
  });
  assert.equal(accepted.statusCode, 200, accepted.body);
  return { email, password };
}

describe('portal sign-in', () => {
  before(() => startWith({}));
  after(() => t.close());

  test('200 concurrent wrong passwords: five are checked, the rest wait (H954, Retry-After)', async () => {
    const { email } = await newPortalUser();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => portalSignIn(email, `wrong password ${i}`, '203.0.113.10')),
    );
    const checked = answers.filter((a) => a.statusCode === 401);
    const waiting = answers.filter((a) => a.statusCode === 429);
    assert.equal(checked.length, 5);
    assert.equal(waiting.length, 195);
    assert.ok(waiting.every((a) => errorOf(a).code === 'H954' && Number(a.headers['retry-after']) >= 1));
  });

  test('an existing and an unknown e-mail get the same answers, failure after failure', async () => {
    const { email } = await newPortalUser();
    for (let i = 0; i < 8; i++) {
      const known = await portalSignIn(email, `wrong ${i}`, '203.0.113.20');
      const unknown = await portalSignIn('yok@ornek.com.tr', `wrong ${i}`, '203.0.113.21');
      assert.equal(known.statusCode, unknown.statusCode, `attempt ${i}`);
      assert.deepEqual(known.json(), unknown.json(), `attempt ${i}`);
      assert.equal(known.headers['retry-after'], unknown.headers['retry-after']);
    }
  });

  test("strangers' failures do not lock the owner out of their own address", async () => {
    const { email, password } = await newPortalUser();
    assert.equal((await portalSignIn(email, password, '198.51.100.20')).statusCode, 200);
    // Twenty failures spread over four addresses: enough to slow the account down for strangers.
    for (const from of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      for (let i = 0; i < 5; i++)
        assert.equal((await portalSignIn(email, `guess ${i}`, from)).statusCode, 401);
    }
    assert.equal((await portalSignIn(email, password, '198.51.100.20')).statusCode, 200, 'the owner');
    const stranger = await portalSignIn(email, password, '192.0.2.99');
    assert.equal(stranger.statusCode, 429);
    assert.equal(errorOf(stranger).code, 'H954');
    advance(Number(stranger.headers['retry-after']) * 1000);
    assert.equal((await portalSignIn(email, password, '192.0.2.99')).statusCode, 200, 'after the wait');
  });

  test('own mistakes cost a doubling wait, not a 15-minute lock', async () => {
    const { email, password } = await newPortalUser();
    const from = '198.51.100.30';
    for (let i = 0; i < 5; i++) assert.equal((await portalSignIn(email, `typo ${i}`, from)).statusCode, 401);
    const first = await portalSignIn(email, password, from);
    assert.equal(first.statusCode, 429);
    assert.equal(first.headers['retry-after'], '1');
    advance(1000);
    assert.equal((await portalSignIn(email, 'typo again', from)).statusCode, 401);
    const second = await portalSignIn(email, password, from);
    assert.equal(second.headers['retry-after'], '2');
    advance(2000);
    assert.equal((await portalSignIn(email, password, from)).statusCode, 200);
    // Success forgets the failures: the next typo is free again.
    assert.equal((await portalSignIn(email, 'one more typo', from)).statusCode, 401);
    assert.equal((await portalSignIn(email, password, from)).statusCode, 200);
  });
});

describe('messages sent on request', () => {
  before(() =>
    startWith({
      codesPerAddressPerHour: 3,
      codesPerNetworkPerHour: 5,
      codesPerMinute: 8,
      codesPerProviderPerHour: 2,
    }),
  );
  after(() => t.close());
  const askCode = (phone: string, from: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/citizen/sign-in',
      payload: { address: phone },
      remoteAddress: from,
    });

  test('sign-in codes: per address, per network, overall; refused ones are not sent', async () => {
    advance(3600_000); // a fresh hour for every counter
    let phone = 5301000000;
    const sent: string[] = [];
    const refused: string[] = [];
    const ask = async (from: string) => {
      const to = `+90${++phone}`;
      const answer = await askCode(to, from);
      (answer.statusCode === 200 ? sent : refused).push(to);
      return answer;
    };
    for (let i = 0; i < 3; i++) assert.equal((await ask('203.0.113.1')).statusCode, 200);
    const perAddress = await ask('203.0.113.1');
    assert.equal(perAddress.statusCode, 429);
    assert.equal(errorOf(perAddress).code, 'H976');
    assert.ok(Number(perAddress.headers['retry-after']) > 3000, 'an hour-long window');
    for (let i = 0; i < 2; i++) assert.equal((await ask('203.0.113.2')).statusCode, 200);
    assert.equal((await ask('203.0.113.3')).statusCode, 429, 'the /24 has had its five');
    for (let i = 0; i < 3; i++) assert.equal((await ask('198.51.100.1')).statusCode, 200);
    const overall = await ask('192.0.2.1');
    assert.equal(overall.statusCode, 429, 'eight a minute for the whole registry');
    assert.ok(Number(overall.headers['retry-after']) <= 60);
    for (const to of sent) await t.system.devOutbox!.waitFor((m) => m.to === to);
    assert.equal(sent.length, 8);
    assert.deepEqual(
      t.system.devOutbox!.list().filter((m) => refused.includes(m.to)),
      [],
      'no message to a refused number',
    );
    advance(60_000);
    assert.equal((await ask('192.0.2.1')).statusCode, 200);
  });

  test('İYS Yolu codes: a quota per provider', async () => {
    advance(3600_000);
    const token = await t.token();
    const start = (recipient: string) =>
      t.app.inject({
        method: 'POST',
        url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/overIys`,
        headers: { authorization: `Bearer ${token}` },
        payload: { recipient, recipientType: 'BIREYSEL', type: ['MESAJ'], source: 'IYS_KISAMESAJ' },
      });
    assert.equal((await start('+905302000001')).statusCode, 200);
    assert.equal((await start('+905302000002')).statusCode, 200);
    const third = await start('+905302000003');
    assert.equal(third.statusCode, 429);
    assert.equal(errorOf(third).code, 'H976');
  });

  test('portal invitations count as messages sent on request', async () => {
    advance(3600_000);
    const invite = (n: number) =>
      admin.call('POST', '/api/portal/users', {
        email: `davet${n}@ornek.com.tr`,
        name: 'Davetli Kişi',
        role: 'readonly',
      });
    for (let n = 0; n < 3; n++) assert.equal((await invite(n)).statusCode, 200);
    assert.equal(errorOf(await invite(3)).code, 'H976');
  });
});

describe('anonymous applications', () => {
  before(() => startWith({ applicationsPerAddressPerDay: 2, applicationStorageMb: 1 }));
  after(() => t.close());
  const staff = { name: 'test-admin', role: 'admin' as const };
  // A sole trader: the company of COMPANY_APPLICATION is already a provider here (startWith onboarded it).
  const person = PERSON_APPLICATION;
  const apply = async (from: string, agreement = AGREEMENT_PDF) => {
    const response = await submitApplication(t, person, agreement, { confirm: false, from });
    assert.notEqual(response.statusCode, 409, 'unconfirmed applications never block each other');
    return response;
  };

  test('staff see an application only once its e-mail is confirmed; unconfirmed ones expire', async () => {
    const kept = (await apply('203.0.113.40')).json().id as string;
    const dropped = (await apply('203.0.113.41')).json().id as string;
    const listed = async (status?: string) =>
      (await t.system.onboarding.list(staff, status)).map((a) => a.id);
    assert.ok(!(await listed()).includes(kept), 'not in the default list');
    assert.ok((await listed('unconfirmed')).includes(kept));
    assert.equal((await confirmApplication(t, kept)).statusCode, 200);
    assert.ok((await listed('pending')).includes(kept));

    advance(24 * 3600_000 + 1);
    assert.ok((await t.system.onboarding.deleteExpiredUnconfirmed()) >= 1);
    assert.ok(!(await listed('unconfirmed')).includes(dropped), 'deleted with its agreement');
    const late = await confirmApplication(t, dropped);
    assert.equal(late.statusCode, 410);
    assert.equal(errorOf(late).code, 'H979');
    assert.ok((await listed('pending')).includes(kept), 'the confirmed one stays');
    await t.system.onboarding.reject(staff, kept, 'Deneme bitti'); // the tax number is free again
  });

  test('per address and day: the third is refused before its body is read (H977)', async () => {
    advance(24 * 3600_000);
    await t.system.onboarding.deleteExpiredUnconfirmed();
    assert.equal((await apply('203.0.113.50')).statusCode, 200);
    assert.equal((await apply('203.0.113.50')).statusCode, 200);
    const third = await apply('203.0.113.50');
    assert.equal(third.statusCode, 429);
    assert.equal(errorOf(third).code, 'H977');
    assert.ok(Number(third.headers['retry-after']) > 3600);
    assert.equal((await apply('203.0.113.51')).statusCode, 200, 'another address is not affected');
  });

  test('undecided agreements together stay under the storage cap (H978)', async () => {
    advance(24 * 3600_000);
    await t.system.onboarding.deleteExpiredUnconfirmed();
    const big = Buffer.concat([AGREEMENT_PDF.subarray(0, 9), Buffer.alloc(700 * 1024, 0x20), AGREEMENT_PDF]);
    const first = await apply('198.51.100.60', big);
    assert.equal(first.statusCode, 200, first.body);
    const full = await apply('198.51.100.61', big);
    assert.equal(full.statusCode, 503);
    assert.equal(errorOf(full).code, 'H978');
    assert.ok(Number(full.headers['retry-after']) >= 60);
  });
});
