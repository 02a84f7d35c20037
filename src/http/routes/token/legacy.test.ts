import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false });
});
after(() => t.close());

const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload });
const brandsWith = (accessToken: string) =>
  t.app.inject({ url: `/sps/${DEMO.iysCode}/brands`, headers: { authorization: `Bearer ${accessToken}` } });

test('the deprecated /oauth/token signs in with {username, password} and answers in its envelope', async () => {
  const response = await post('/oauth/token', { username: DEMO.username, password: DEMO.password });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.deepEqual(Object.keys(body).sort(), ['message', 'result', 'status']);
  assert.equal(body.status, 200);
  assert.deepEqual(Object.keys(body.result).sort(), [
    'accessToken',
    'expiresIn',
    'refreshToken',
    'tokenType',
  ]);
  assert.deepEqual([body.result.expiresIn, body.result.tokenType], [7200, 'bearer']);
  assert.equal((await brandsWith(body.result.accessToken)).statusCode, 200);
});

test('/oauth/refresh and /oauth/token with {refreshToken} refresh once; a replay is refused in the envelope', async () => {
  const first = (await post('/oauth/token', { username: DEMO.username, password: DEMO.password })).json()
    .result;
  const refreshed = await post('/oauth/refresh', { refreshToken: first.refreshToken });
  assert.equal(refreshed.statusCode, 200, refreshed.body);
  const second = refreshed.json().result;
  assert.notEqual(second.accessToken, first.accessToken);
  assert.equal((await brandsWith(second.accessToken)).statusCode, 200);

  // Some clients post the refresh token to /oauth/token.
  const viaToken = await post('/oauth/token', { refreshToken: second.refreshToken });
  assert.equal(viaToken.statusCode, 200, viaToken.body);
  assert.equal((await brandsWith(viaToken.json().result.accessToken)).statusCode, 200);

  const replay = await post('/oauth/refresh', { refreshToken: first.refreshToken });
  assert.equal(replay.statusCode, 400);
  const refusal = replay.json();
  assert.equal(refusal.status, 400);
  assert.match(refusal.code, /^H25\d$/);
  assert.equal(refusal.errors[0].code, refusal.code);
});

test('wrong credentials and empty bodies are refused with a message and a code, never a token', async () => {
  const wrong = await post('/oauth/token', { username: DEMO.username, password: 'not-the-password' });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().result, undefined);
  assert.match(wrong.json().message, /geçersiz/);
  const empty = await post('/oauth/refresh', {});
  assert.equal(empty.statusCode, 400);
  assert.match(empty.json().code, /^H25\d$/);
  const notJson = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/json' },
    payload: '{',
  });
  assert.equal(notJson.json().errors[0].code, 'H014');
});
