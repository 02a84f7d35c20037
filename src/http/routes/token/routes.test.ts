import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, OTHER, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false });
});
after(() => t.close());

const token = (payload: string | object, contentType = 'application/json') =>
  t.app.inject({
    method: 'POST',
    url: '/oauth2/token',
    headers: { 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

test('password grant answers in snake_case and camelCase with İYS lifetimes', async () => {
  const response = await token({ grant_type: 'password', username: DEMO.username, password: DEMO.password });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.tokenType, 'bearer');
  assert.equal(body.expires_in, 7200);
  assert.equal(body.refresh_expires_in, 14400);
  assert.equal(body.accessToken, body.access_token);
  assert.equal(body.refreshToken, body.refresh_token);
  assert.notEqual(body.access_token, body.refresh_token);
});

test('form-encoded bodies work as JSON ones do', async () => {
  const response = await token(
    `grant_type=password&username=${DEMO.username}&password=${DEMO.password}`,
    'application/x-www-form-urlencoded',
  );
  assert.equal(response.statusCode, 200);
  const access = response.json().access_token;
  const brands = await t.app.inject({
    method: 'GET',
    url: `/sps/${DEMO.iysCode}/brands`,
    headers: { authorization: `Bearer ${access}` },
  });
  assert.equal(brands.statusCode, 200);
});

test('a refresh token yields new tokens once; replaying it fails', async () => {
  const first = (
    await token({ grant_type: 'password', username: DEMO.username, password: DEMO.password })
  ).json();
  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
  assert.equal(refreshed.statusCode, 200);
  assert.notEqual(refreshed.json().access_token, first.access_token);
  const camel = await token({ grantType: 'refresh_token', refreshToken: refreshed.json().refresh_token });
  assert.equal(camel.statusCode, 200);
  const replay = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
  assert.equal(replay.statusCode, 400);
  assert.equal(replay.json().error, 'invalid_grant');
});

test('a replayed refresh token ends its whole sign-in; other sign-ins keep working', async () => {
  const signIn = async () =>
    (await token({ grant_type: 'password', username: DEMO.username, password: DEMO.password })).json();
  const brandsWith = async (access: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/sps/${DEMO.iysCode}/brands`,
        headers: { authorization: `Bearer ${access}` },
      })
    ).statusCode;
  const stolen = await signIn();
  const other = await signIn();
  // The thief refreshes first; the owner's later use of the same token is the replay.
  const thief = (await token({ grant_type: 'refresh_token', refresh_token: stolen.refresh_token })).json();
  assert.equal(await brandsWith(thief.access_token), 200);
  const replay = await token({ grant_type: 'refresh_token', refresh_token: stolen.refresh_token });
  assert.equal(replay.json().error, 'invalid_grant');

  assert.equal(await brandsWith(thief.access_token), 401, "the family's access tokens stop working");
  assert.equal(await brandsWith(stolen.access_token), 401);
  const thiefRefresh = await token({ grant_type: 'refresh_token', refresh_token: thief.refresh_token });
  assert.equal(thiefRefresh.statusCode, 400, 'and so do its refresh tokens');
  assert.equal(await brandsWith(other.access_token), 200, 'another sign-in is not touched');
});

test('an access token is not a refresh token', async () => {
  const first = (
    await token({ grant_type: 'password', username: DEMO.username, password: DEMO.password })
  ).json();
  const response = await token({ grant_type: 'refresh_token', refresh_token: first.access_token });
  assert.equal(response.statusCode, 400);
});

const refusals: Array<[string, object | string, string, string, string?]> = [
  ['no grant type', { username: 'demo', password: 'x' }, 'invalid_request', 'Giriş yöntemi belirtilmemiş.'],
  [
    'unknown grant type',
    { grant_type: 'client_credentials' },
    'unsupported_grant_type',
    'Desteklenmeyen giriş yöntemi.',
  ],
  [
    'empty username',
    { grant_type: 'password', username: '', password: 'x' },
    'invalid_request',
    'Kullanıcı adı boş bırakılamaz.',
  ],
  [
    'numeric password',
    { grant_type: 'password', username: 'demo', password: 5 },
    'invalid_request',
    'Desteklenmeyen şifre türü.',
  ],
  [
    'wrong password',
    { grant_type: 'password', username: 'demo', password: 'nope' },
    'invalid_grant',
    'Kullanıcı kimlik bilgileri geçersiz.',
  ],
  [
    'unknown user',
    { grant_type: 'password', username: 'ghost', password: 'nope' },
    'invalid_grant',
    'Kullanıcı kimlik bilgileri geçersiz.',
  ],
  [
    'missing refresh token',
    { grant_type: 'refresh_token' },
    'invalid_request',
    'Yenileme jetonu verilmemiş.',
  ],
];

for (const [name, payload, error, description] of refusals) {
  test(`token refusal: ${name}`, async () => {
    const response = await token(payload);
    assert.equal(response.statusCode, 400);
    const body = response.json();
    assert.equal(body.error, error);
    assert.equal(body.error_description, description);
    assert.match(body.errors[0].code, /^H25\d$/);
  });
}

test('malformed JSON is H014, an unsupported media type H905', async () => {
  const bad = await token('{"grant_type": "password",');
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().errors[0].code, 'H014');
  const xml = await token('<x/>', 'application/xml');
  assert.equal(xml.statusCode, 415);
  assert.equal(xml.json().errors[0].code, 'H905');
});

test('past the hourly limit per client address the token endpoint answers 429 H084 with Retry-After', async () => {
  const limited = await startTestSystem({ workers: false, tokenRequestsPerHour: 2 });
  try {
    const ask = () =>
      limited.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        payload: { grant_type: 'password', username: DEMO.username, password: DEMO.password },
      });
    assert.equal((await ask()).statusCode, 200);
    assert.equal((await ask()).statusCode, 200);
    const third = await ask();
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().code, 'H084');
    assert.equal(third.json().errors[0].code, 'H084');
    const retryAfter = Number(third.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 3600, String(retryAfter));
  } finally {
    await limited.close();
  }
});

test('past its per-second budget an API user gets 429 H124 with Retry-After, whatever its tokens; others do not', async () => {
  const limited = await startTestSystem({ workers: false, apiRequestsPerSecond: 5 });
  try {
    const brands = (token: string, iysCode: number) =>
      limited.app.inject({
        method: 'GET',
        url: `/sps/${iysCode}/brands`,
        headers: { authorization: `Bearer ${token}` },
      });
    const [first, second, other] = await Promise.all([
      limited.token(),
      limited.token(),
      limited.token(OTHER.username, OTHER.password),
    ]);
    // 40 at once over two tokens of one user: a burst spans at most two one-second windows.
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => brands(i % 2 ? first : second, DEMO.iysCode)),
    );
    const passed = burst.filter((r) => r.statusCode === 200).length;
    assert.ok(passed >= 5 && passed <= 10, `${passed} passed`);
    const refused = burst.find((r) => r.statusCode === 429)!;
    assert.equal(refused.json().errors[0].code, 'H124');
    const retryAfter = Number(refused.headers['retry-after']);
    assert.equal(retryAfter, 1);
    const others = await Promise.all(Array.from({ length: 5 }, () => brands(other, OTHER.iysCode)));
    assert.deepEqual(
      others.map((r) => r.statusCode),
      [200, 200, 200, 200, 200],
    );
  } finally {
    await limited.close();
  }
});

test('access tokens expire after 7200 s and refresh tokens after 14400 s', async () => {
  let now = Date.now();
  const timed = await startTestSystem({ workers: false, clock: () => new Date(now) });
  try {
    const tokens = (
      await timed.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        payload: { grant_type: 'password', username: DEMO.username, password: DEMO.password },
      })
    ).json();
    const brands = () =>
      timed.app.inject({
        method: 'GET',
        url: `/sps/${DEMO.iysCode}/brands`,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
    now += 7199_000;
    assert.equal((await brands()).statusCode, 200);
    now += 2_000;
    const expired = await brands();
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().errors[0].code, 'H351');
    now += 14400_000 - 7201_000;
    const refreshed = await timed.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      payload: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
    });
    assert.equal(refreshed.statusCode, 400);
    assert.equal(refreshed.json().error, 'invalid_grant');
  } finally {
    await timed.close();
  }
});
