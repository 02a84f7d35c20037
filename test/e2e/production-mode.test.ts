/**
 * Outside the sandbox none of its conveniences exist: no outbox page (it shows sign-in codes), no demo
 * accounts, no known inbound-SMS secret; and a start that could not deliver messages is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { DEMO } from '../helpers/system.js';

let database: TestDatabase;
let env: Record<string, string>;
before(async () => {
  database = await createTestDatabase();
  env = {
    DATABASE_URL: database.url,
    DATABASE_OWNER_URL: database.ownerUrl,
    OPENIYS_MASTER_KEY: randomBytes(32).toString('hex'),
    // Never reached: nothing is sent in this test.
    SMTP_URL: 'smtp://127.0.0.1:9',
    SMS_HTTP_URL: 'http://127.0.0.1:9/sms',
  };
});
after(() => database.drop());

test('a production start without an SMS or e-mail adapter refuses to start and says why', () => {
  const start = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, SMTP_URL: '', SMS_HTTP_URL: '', PORT: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(start.status, 1);
  assert.match(start.stderr, /SMTP_URL is required outside the sandbox/);
  assert.match(start.stderr, /SMS_HTTP_URL is required outside the sandbox/);
});

test('in production there is no outbox page, no open /metrics, no demo account and no default inbound-SMS secret', async () => {
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(env);
    for (const page of ['/dev/outbox', '/dev/outbox.json', '/metrics']) {
      assert.equal((await fetch(`${server.url}${page}`)).status, 404, page);
    }
    const token = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: DEMO.username, password: DEMO.password }),
    });
    assert.equal(token.status, 400, 'the demo provider does not exist');
    assert.equal(((await token.json()) as { access_token?: string }).access_token, undefined);
    const inbound = await fetch(`${server.url}/inbound/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-openiys-secret': 'sandbox-inbound-sms-secret' },
      body: JSON.stringify({ from: '+905321234567', text: 'RET' }),
    });
    assert.equal(inbound.status, 401);
    assert.equal(((await inbound.json()) as { errors: { code: string }[] }).errors[0]!.code, 'H924');
    assert.doesNotMatch(server.output(), /SANDBOX mode/);
  } finally {
    server?.child.kill('SIGTERM');
    await server?.exited;
  }
});
