import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authenticator } from 'otplib';
import {
  COMPANY_APPLICATION,
  invitationTokenFor,
  onboardProvider,
  portalUserFrom,
  type PortalUser,
} from '../../../../test/helpers/portal.js';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
let admin: PortalUser;
const password = 'a long enough password';
before(async () => {
  t = await startTestSystem();
  ({ admin } = await onboardProvider(t, COMPANY_APPLICATION, password));
});
after(() => t.close());

const signIn = (payload: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/api/portal/sign-in', payload });

describe('invitation', () => {
  test('the link works once and the session names the new provider', async () => {
    const session = await admin.call('GET', '/api/portal/session');
    assert.equal(session.statusCode, 200);
    assert.equal(session.json().providerTitle, COMPANY_APPLICATION.title);
    assert.equal(session.json().role, 'admin');
    const token = await invitationTokenFor(t, COMPANY_APPLICATION.email);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token, password: 'another long password' },
    });
    assert.equal(again.statusCode, 410);
    assert.equal(again.json().errors[0].code, 'H952');
  });

  test('a short password is refused before the link is spent', async () => {
    const invited = await admin.call('POST', '/api/portal/users', {
      email: 'operator@ornek.com.tr',
      name: 'Can Operatör',
      role: 'operator',
    });
    assert.equal(invited.statusCode, 200, invited.body);
    const token = await invitationTokenFor(t, 'operator@ornek.com.tr');
    const short = await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token, password: 'short' },
    });
    assert.equal(short.json().errors[0].code, 'H953');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token, password: 'operator password 1' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().role, 'operator');
  });
});

describe('sign-in', () => {
  test('wrong password and unknown e-mail get the same answer', async () => {
    const wrong = await signIn({ email: COMPANY_APPLICATION.email, password: 'not the password' });
    const unknown = await signIn({ email: 'nobody@ornek.com.tr', password });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), unknown.json());
    assert.equal(wrong.json().errors[0].code, 'H950');
  });

  test('the e-mail is matched case-insensitively; the cookie is httpOnly', async () => {
    const response = await signIn({ email: COMPANY_APPLICATION.email.toUpperCase(), password });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['set-cookie']), /openiys_portal=.*HttpOnly/i);
  });

  test('a state change without the CSRF header is refused', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/portal/users',
      headers: { cookie: admin.cookie },
      payload: { email: 'x@ornek.com.tr', name: 'X Y', role: 'readonly' },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().errors[0].code, 'H917');
  });

  test('five wrong passwords in a row make the next attempt wait, even with the right one', async () => {
    await admin.call('POST', '/api/portal/users', {
      email: 'locked@ornek.com.tr',
      name: 'Kilit Kişi',
      role: 'readonly',
    });
    const token = await invitationTokenFor(t, 'locked@ornek.com.tr');
    const own = 'locked user password';
    await t.app.inject({ method: 'POST', url: '/api/portal/invitation', payload: { token, password: own } });
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await signIn({ email: 'locked@ornek.com.tr', password: `wrong ${i} password` })).statusCode,
        401,
      );
    }
    const waiting = await signIn({ email: 'locked@ornek.com.tr', password: own });
    assert.equal(waiting.statusCode, 429);
    assert.equal(waiting.json().errors[0].code, 'H954');
    assert.equal(waiting.headers['retry-after'], '1');
  });
});

describe('audit trail', () => {
  test('admin actions and exports of plaintext addresses are audited with actor, outcome and address', async () => {
    const session = (await admin.call('GET', '/api/portal/session')).json();
    const invited = await admin.call('POST', '/api/portal/users', {
      email: 'denetim@ornek.com.tr',
      name: 'Denetim Kişi',
      role: 'operator',
    });
    assert.equal(invited.statusCode, 200, invited.body);
    const brandCode = (await admin.call('GET', '/api/portal/brands')).json()[0].brandCode;
    const exported = await admin.call('GET', `/api/portal/brands/${brandCode}/consents.csv`);
    assert.equal(exported.statusCode, 200);

    const staffKey = await t.system.regulator.addKey('Denetçi');
    const entries = (
      await t.app.inject({
        method: 'GET',
        url: `/api/regulator/audit?target=provider:${session.iysCode}`,
        headers: { authorization: `Bearer ${staffKey}` },
      })
    ).json() as {
      actor: string;
      action: string;
      clientAddress: string;
      details: { status: number; name: string };
    }[];
    const invitation = entries.find((e) => e.action === 'POST /api/portal/users');
    assert.ok(invitation, JSON.stringify(entries));
    assert.match(invitation.actor, new RegExp(`^portal:${session.iysCode}:\\d+$`));
    assert.deepEqual(
      [invitation.details.status, invitation.details.name, invitation.clientAddress],
      [200, session.name, '127.0.0.1'],
    );
    const exportEntry = entries.find((e) => e.action === 'consents.export.csv');
    assert.ok(exportEntry, 'the export is audited although it is a read');
    assert.equal(JSON.stringify(entries).includes('denetim@ornek.com.tr'), false, 'no body reaches the log');
  });
});

describe('two-step verification (TOTP)', () => {
  test('enabled with a code from the app, then required at sign-in', async () => {
    const user = portalUserFrom(t, await signIn({ email: COMPANY_APPLICATION.email, password }));
    const setup = await user.call('POST', '/api/portal/totp/setup');
    const { secret, uri } = setup.json();
    assert.match(uri, /^otpauth:\/\/totp\/openiys:/);
    const wrongCode = await user.call('POST', '/api/portal/totp/enable', { secret, code: '000000' });
    assert.equal(wrongCode.json().errors[0].code, 'H951');
    const enabled = await user.call('POST', '/api/portal/totp/enable', {
      secret,
      code: authenticator.generate(secret),
    });
    assert.equal(enabled.statusCode, 200, enabled.body);

    const withoutCode = await signIn({ email: COMPANY_APPLICATION.email, password });
    assert.equal(withoutCode.statusCode, 401);
    assert.deepEqual(withoutCode.json().errors[0].value, 'required');
    const withCode = await signIn({
      email: COMPANY_APPLICATION.email,
      password,
      code: authenticator.generate(secret),
    });
    assert.equal(withCode.statusCode, 200, withCode.body);
    assert.equal(withCode.json().totpEnabled, true);

    const disabled = await user.call('POST', '/api/portal/totp/disable', {
      code: authenticator.generate(secret),
    });
    assert.equal(disabled.statusCode, 200);
    assert.equal((await signIn({ email: COMPANY_APPLICATION.email, password })).statusCode, 200);
  });
});

describe('roles', () => {
  test('an operator cannot manage users; an admin disables a colleague and their session ends', async () => {
    const operator = portalUserFrom(
      t,
      await signIn({ email: 'operator@ornek.com.tr', password: 'operator password 1' }),
    );
    const denied = await operator.call('GET', '/api/portal/users');
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().errors[0].code, 'H955');

    const users = (await admin.call('GET', '/api/portal/users')).json();
    const op = users.find((u: { email: string }) => u.email === 'operator@ornek.com.tr');
    assert.equal(op.active, true);
    const disabled = await admin.call('POST', `/api/portal/users/${op.id}/disable`);
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal((await operator.call('GET', '/api/portal/session')).statusCode, 401);
    assert.equal(
      (await signIn({ email: 'operator@ornek.com.tr', password: 'operator password 1' })).statusCode,
      401,
    );
  });

  test('an admin cannot disable themselves, nor a user of another provider', async () => {
    const me = (await admin.call('GET', '/api/portal/users'))
      .json()
      .find((u: { email: string }) => u.email === COMPANY_APPLICATION.email);
    assert.equal((await admin.call('POST', `/api/portal/users/${me.id}/disable`)).statusCode, 404);
    const other = await onboardProvider(t, {
      ...COMPANY_APPLICATION,
      vkn: '0010010010',
      mersis: '0001001001000015',
      email: 'admin@baska.example.com',
    });
    const theirs = (await other.admin.call('GET', '/api/portal/users')).json()[0];
    assert.equal((await admin.call('POST', `/api/portal/users/${theirs.id}/disable`)).statusCode, 404);
  });

  test('a suspended provider’s users are signed out', async () => {
    const session = await admin.call('GET', '/api/portal/session');
    const iysCode = String(session.json().iysCode);
    await t.system.regulator.setProviderStatus({ name: 'test', role: 'admin' }, iysCode, 'suspended');
    assert.equal((await admin.call('GET', '/api/portal/session')).statusCode, 401);
    await t.system.regulator.setProviderStatus({ name: 'test', role: 'admin' }, iysCode, 'active');
  });
});

test('a suspended provider’s user cannot sign in, and no session of theirs survives to the reactivation', async () => {
  const { admin: other, iysCode } = await onboardProvider(
    t,
    {
      kind: 'GERCEK',
      title: 'Askıdaki Reklam',
      tckn: '12345678950',
      taxOffice: 'Çankaya',
      invoiceAddress: 'Kızılay Mah. Atatürk Blv. No: 5 Çankaya / Ankara',
      email: 'askida@ornek.com.tr',
      contactName: 'Mehmet Demir',
      contactTckn: '12345678950',
    },
    password,
  );
  const staff = await t.system.regulator.addKey('Askıya alan', 'admin');
  const setStatus = (action: 'suspend' | 'activate') =>
    t.app.inject({
      method: 'POST',
      url: `/api/regulator/providers/${iysCode}/${action}`,
      headers: { authorization: `Bearer ${staff}` },
    });
  assert.equal((await setStatus('suspend')).statusCode, 200);
  const refused = await signIn({ email: 'askida@ornek.com.tr', password });
  assert.equal(refused.statusCode, 403, refused.body);
  assert.equal(refused.json().errors[0].code, 'H971');
  assert.equal(refused.headers['set-cookie'], undefined);
  assert.equal((await setStatus('activate')).statusCode, 200);
  // Neither the session from before the suspension nor anything from the refused attempt comes back.
  assert.equal((await other.call('GET', '/api/portal/session')).statusCode, 401);
  const again = await signIn({ email: 'askida@ornek.com.tr', password });
  assert.equal(again.statusCode, 200, again.body);
});
