/** The portal's second factor (QR code, recovery codes) and the forgotten-password link (issue 13, item 7). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authenticator } from 'otplib';
import pg from 'pg';
import QRCode from 'qrcode';
import {
  onboardProvider,
  PERSON_APPLICATION,
  portalUserFrom,
  COMPANY_APPLICATION,
} from '../../../../test/helpers/portal.js';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
const email = COMPANY_APPLICATION.email;
const password = 'a long enough password';
before(async () => {
  t = await startTestSystem();
  await onboardProvider(t, COMPANY_APPLICATION, password);
});
after(() => t.close());

const signIn = (payload: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/api/portal/sign-in', payload });
const requestReset = (address: string) =>
  t.app.inject({ method: 'POST', url: '/api/portal/password-reset', payload: { email: address } });
const setPassword = (payload: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/api/portal/invitation', payload });

/** Rows the request handler wrote before it answered: counted in the database, not by waiting for mail. */
async function resetMailsQueued(): Promise<number> {
  const client = new pg.Client({ connectionString: t.database.ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE purpose = 'portal-password-reset'`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

async function resetLinkAfter(since: Date, to = email): Promise<string> {
  const message = await t.system.devOutbox!.waitFor(
    (m) => m.to === to && m.at >= since && m.text.includes('/firma/parola#'),
  );
  return /\/firma\/parola#([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
}

describe('forgotten password', () => {
  test('a link by e-mail sets a new password once, ends the old sessions, and says nothing of unknown addresses', async () => {
    const before = portalUserFrom(t, await signIn({ email, password }));
    const unknown = await requestReset('nobody@ornek.com.tr');
    assert.equal(unknown.statusCode, 200, unknown.body);
    assert.deepEqual(unknown.json(), { sent: true });
    assert.equal(await resetMailsQueued(), 0, 'no mail for an address without an account');

    const asked = new Date();
    const known = await requestReset(email.toUpperCase());
    assert.deepEqual(known.json(), unknown.json(), 'the same answer either way');
    const token = await resetLinkAfter(asked);

    const short = await setPassword({ token, password: 'short' });
    assert.equal(short.json().errors[0].code, 'H953');
    const chosen = await setPassword({ token, password: 'a brand new long password' });
    assert.equal(chosen.statusCode, 200, chosen.body);
    assert.equal((await setPassword({ token, password: 'yet another long password' })).statusCode, 410);
    assert.equal((await before.call('GET', '/api/portal/session')).statusCode, 401, 'old sessions end');
    assert.equal((await signIn({ email, password })).statusCode, 401);
    assert.equal((await signIn({ email, password: 'a brand new long password' })).statusCode, 200);
  });

  test('at most 3 links an hour reach one mailbox; the answer does not change', async () => {
    const queued = await resetMailsQueued();
    for (let i = 0; i < 4; i++) assert.equal((await requestReset(email)).statusCode, 200);
    // One was sent by the test before, within the same hour: two more, then silence.
    assert.equal((await resetMailsQueued()) - queued, 2);
  });
});

describe('two-step verification', () => {
  test('set up from a QR code; ten recovery codes, each good once; renewed codes replace the old', async () => {
    const person = await onboardProvider(t, PERSON_APPLICATION, password);
    const user = person.admin;
    const setup = (await user.call('POST', '/api/portal/totp/setup')).json();
    assert.equal(
      setup.qrSvg,
      await QRCode.toString(setup.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }),
    );
    assert.match(setup.qrSvg, /^<svg [^>]*viewBox/);
    const enabled = await user.call('POST', '/api/portal/totp/enable', {
      secret: setup.secret,
      code: authenticator.generate(setup.secret),
    });
    assert.equal(enabled.statusCode, 200, enabled.body);
    const codes: string[] = enabled.json().recoveryCodes;
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);

    const personEmail = PERSON_APPLICATION.email!;
    // Typed loosely (lower case, no dash): good once.
    const loose = codes[0]!.toLowerCase().replace('-', '');
    assert.equal((await signIn({ email: personEmail, password, code: loose })).statusCode, 200);
    const again = await signIn({ email: personEmail, password, code: codes[0]! });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().errors[0].value, 'invalid');
    assert.deepEqual((await user.call('GET', '/api/portal/totp/recovery-codes')).json(), { left: 9 });

    const renewed = await user.call('POST', '/api/portal/totp/recovery-codes', {
      code: authenticator.generate(setup.secret),
    });
    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.equal(
      (await signIn({ email: personEmail, password, code: codes[1]! })).statusCode,
      401,
      'old codes end',
    );
    assert.deepEqual((await user.call('GET', '/api/portal/totp/recovery-codes')).json(), { left: 10 });

    // A reset link alone does not open an account with the second factor on; the link waits for the code.
    const asked = new Date();
    await requestReset(personEmail);
    const token = await resetLinkAfter(asked, personEmail);
    const withoutCode = await setPassword({ token, password: 'the person’s new password' });
    assert.equal(withoutCode.statusCode, 401, withoutCode.body);
    assert.equal(withoutCode.json().errors[0].code, 'H951');
    // A wrong code spends the link: it cannot be used to guess codes.
    const guessed = await setPassword({ token, password: 'the person’s new password', code: '000000' });
    assert.equal(guessed.json().errors[0].code, 'H951');
    assert.equal(guessed.json().errors[0].value, 'invalid');
    const spent = await setPassword({
      token,
      password: 'the person’s new password',
      code: renewed.json().recoveryCodes[0],
    });
    assert.equal(spent.statusCode, 410, 'the link is spent by a wrong code');
    const asked2 = new Date();
    await requestReset(personEmail);
    const token2 = await resetLinkAfter(asked2, personEmail);
    const withCode = await setPassword({
      token: token2,
      password: 'the person’s new password',
      code: renewed.json().recoveryCodes[0],
    });
    assert.equal(withCode.statusCode, 200, withCode.body);

    const off = await user.call('POST', '/api/portal/totp/disable', {
      code: renewed.json().recoveryCodes[1],
    });
    assert.equal(off.statusCode, 401, 'the reset ended this session');
    const fresh = portalUserFrom(
      t,
      await signIn({
        email: personEmail,
        password: 'the person’s new password',
        code: renewed.json().recoveryCodes[2],
      }),
    );
    assert.equal(
      (await fresh.call('POST', '/api/portal/totp/disable', { code: renewed.json().recoveryCodes[3] }))
        .statusCode,
      200,
    );
    assert.deepEqual((await fresh.call('GET', '/api/portal/totp/recovery-codes')).json(), { left: 0 });
    assert.equal(
      (await signIn({ email: personEmail, password: 'the person’s new password' })).statusCode,
      200,
    );
  });
});
