import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestSystem } from './system.js';

export interface SignedInCitizen {
  cookie: string;
  csrfToken: string;
  addressId: string;
  /** Calls the API as this citizen, with the session cookie and the CSRF header. */
  call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

/** The code in the newest message the sandbox catcher took for `address`. */
export async function codeSentTo(t: TestSystem, address: string, after = new Date(0)): Promise<string> {
  const message = await t.system.devOutbox!.waitFor(
    (m) => m.to === address && m.at >= after && /kodunuz: \d{6}/.test(m.text),
  );
  return /kodunuz: (\d{6})/.exec(message.text)![1]!;
}

/** Signs in with a one-time code read from the sandbox outbox, as a person would. */
export async function signIn(t: TestSystem, address: string): Promise<SignedInCitizen> {
  const startedAt = new Date(Date.now() - 1000);
  const started = await t.app.inject({ method: 'POST', url: '/api/citizen/sign-in', payload: { address } });
  assert.equal(started.statusCode, 200, started.body);
  const code = await codeSentTo(t, address, startedAt);
  const verified = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/sign-in/verify',
    payload: { challengeId: started.json().challengeId, code },
  });
  assert.equal(verified.statusCode, 200, verified.body);
  const setCookie = String(verified.headers['set-cookie']);
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Lax/i);
  const cookie = setCookie.split(';')[0]!;
  const { csrfToken, addresses } = verified.json();
  return {
    cookie,
    csrfToken,
    addressId: addresses[0].id,
    call: (method, url, payload) =>
      t.app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrfToken },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}
