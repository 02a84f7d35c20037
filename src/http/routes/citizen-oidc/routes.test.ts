/**
 * Citizen sign-in with a national identity provider (issue 14): a real OpenID Connect provider
 * (`oidc-provider`) on a loopback port, the authorization code flow with PKCE end to end.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { startOidcProvider, testOidcSettings, walkProvider } from '../../../../test/helpers/oidc-provider.js';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

const PUBLIC_URL = 'http://127.0.0.1:3000'; // the sandbox's, which the system's redirect URI is built on
const REDIRECT = `${PUBLIC_URL}/api/citizen/oidc/callback`;
const TCKN = '10000000146';
let t: TestSystem;
let idp: Awaited<ReturnType<typeof startOidcProvider>>;

before(async () => {
  idp = await startOidcProvider(REDIRECT);
  idp.register('ayse', {
    tckn: TCKN,
    email: 'Ayse.Yilmaz@example.com',
    email_verified: true,
    phone_number: '+905321110001',
    phone_number_verified: true,
    lines: ['+905321110002', 'not-a-number'],
  });
  idp.register('mehmet', { tckn: '12345678950', email: 'mehmet@example.com', email_verified: false });
  t = await startTestSystem({
    oidc: testOidcSettings(idp.issuer),
  });
});
after(async () => {
  await t.close();
  await idp.close();
});

/** A browser signing in: to the provider and back; returns where it ended and its session cookie. */
async function signInAs(accountId: string, tamper?: (query: string) => string) {
  idp.loginAs(accountId);
  const started = await t.app.inject({ url: '/api/citizen/oidc/start' });
  assert.equal(started.statusCode, 302, started.body);
  const authorize = new URL(String(started.headers.location));
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorize.searchParams.get('code_challenge'));
  const flowCookie = String(started.headers['set-cookie']).split(';')[0]!;
  const query = await walkProvider(authorize.href, REDIRECT);
  const back = await t.app.inject({
    url: `/api/citizen/oidc/callback?${tamper ? tamper(query) : query}`,
    headers: { cookie: flowCookie },
  });
  assert.equal(back.statusCode, 302, back.body);
  const session = [back.headers['set-cookie']].flat().find((c) => c?.startsWith('openiys_session='));
  return { location: back.headers.location, cookie: session?.split(';')[0] };
}

test('the provider is offered beside one-time codes', async () => {
  const offered = (await t.app.inject({ url: '/api/citizen/identity-providers' })).json();
  assert.deepEqual(offered, { otp: true, oidc: { name: 'e-Devlet', start: '/api/citizen/oidc/start' } });
});

test('an identity signs in with code + PKCE; its proven addresses are verified without a code', async () => {
  const { location, cookie } = await signInAs('ayse');
  assert.equal(location, '/');
  assert.ok(cookie, 'a session was opened');
  const session = await t.app.inject({ url: '/api/citizen/session', headers: { cookie } });
  assert.equal(session.statusCode, 200, session.body);
  assert.deepEqual(
    session
      .json()
      .addresses.map((a: { address: string }) => a.address)
      .sort(),
    ['+905321110001', '+905321110002', 'ayse.yilmaz@example.com'],
  );
  // No code was sent to any of them.
  assert.equal(t.system.devOutbox!.list().filter((m) => m.to === '+905321110001').length, 0);

  // Signing in again reaches the same account.
  const again = await signInAs('ayse');
  const second = await t.app.inject({ url: '/api/citizen/session', headers: { cookie: again.cookie! } });
  assert.equal(second.json().addresses.length, 3);
  const { rows } = await sql<{
    n: string;
  }>`SELECT count(*) AS n FROM citizens WHERE identity_hash IS NOT NULL`.execute(t.system.database.db);
  assert.equal(Number(rows[0]!.n), 1);
});

test('the national id is kept only as a keyed hash; unverified claims prove nothing', async () => {
  const { cookie } = await signInAs('mehmet');
  const session = await t.app.inject({ url: '/api/citizen/session', headers: { cookie: cookie! } });
  assert.deepEqual(session.json().addresses, [], 'an unverified e-mail is not taken as proven');
  const { rows } = await sql<{
    dump: string;
  }>`SELECT string_agg(c::text, ' ') AS dump FROM citizens c`.execute(t.system.database.db);
  assert.ok(!rows[0]!.dump.includes(TCKN), 'the id itself is nowhere');
  assert.ok(!rows[0]!.dump.includes(Buffer.from(TCKN).toString('hex')));
  assert.ok(
    t.logLines.every((line) => !line.includes(TCKN)),
    'nor in the log',
  );
});

test('a forged or replayed way back, or a refusal at the provider, signs nobody in', async () => {
  const forged = await signInAs('ayse', (query) => query.replace(/state=[^&]+/, 'state=forged'));
  assert.deepEqual([forged.location, forged.cookie], ['/?giris=hata', undefined]);
  const noCookie = await t.app.inject({ url: '/api/citizen/oidc/callback?code=abc&state=def' });
  assert.equal(noCookie.headers.location, '/?giris=hata');
  const refused = await t.app.inject({ url: '/api/citizen/oidc/callback?error=access_denied&state=x' });
  assert.equal(refused.headers.location, '/?giris=iptal');
});
