import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { onboardProvider, type PortalUser } from '../helpers/portal.js';
import { recentWireDate, recordConsent, startTestSystem, type TestSystem } from '../helpers/system.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Webhooks cannot reach into the registry's own network (issue 10, item 9): outside the sandbox, with DNS
 * answers scripted per name (the public internet is out of a test's reach; everything else is real).
 */

const PUBLIC = '93.184.215.14';
let rebound = false;
const answers: Record<string, () => string[]> = {
  'hooks.firma.example': () => [PUBLIC],
  'mixed.firma.example': () => [PUBLIC, '10.0.0.7'],
  'metadata.google.internal': () => ['169.254.169.254'],
  // Public while the endpoint is registered, the loopback interface when it is called.
  'rebind.firma.example': () => (rebound ? ['127.0.0.1'] : [PUBLIC]),
};

let t: TestSystem;
let admin: PortalUser;
let brandCode: number;
let iysCode: number;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
before(async () => {
  t = await startTestSystem({
    webhookAllowLoopback: false,
    webhookLookup: async (name) => answers[name]?.() ?? [],
    webhookDelivery: { retryBaseMs: 50, maxRetryMs: 100, giveUpAfterMs: 60_000 },
  });
  ({ admin, brandCode, iysCode } = await onboardProvider(t));
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver.close();
  await t.close();
});

const register = (url: string) => admin.call('POST', '/api/portal/webhooks', { brandCode, url });

test('registration refuses endpoints that are not on the public internet (H980)', async () => {
  for (const url of [
    'https://169.254.169.254/latest/meta-data/',
    'https://metadata.google.internal/computeMetadata/v1/',
    'https://10.0.0.5/hook',
    'https://192.168.1.1/hook',
    'https://100.64.0.1/hook',
    'https://127.0.0.1/hook',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://localhost/hook',
    'https://intranet/hook',
    'https://mixed.firma.example/hook',
    'https://unknown.firma.example/hook',
  ]) {
    const response = await register(url);
    assert.equal(response.statusCode, 422, url);
    assert.equal(response.json().errors[0].code, 'H980', url);
    if (!/^[\d.]+$|^\[/.test(new URL(url).hostname)) {
      assert.doesNotMatch(response.body, /10\.0\.0\.7|169\.254/, 'never what a name resolved to');
    }
  }
  assert.equal((await register(receiver.url)).json().errors[0].code, 'H940', 'http is for the sandbox only');
  const listed = (await admin.call('GET', '/api/portal/webhooks')).json();
  assert.equal(listed.length, 0, 'nothing was stored');
  assert.equal((await register('https://hooks.firma.example/hook')).statusCode, 200);
});

test('a name that turns private after registration is refused at delivery, and the log says only that', async () => {
  const port = new URL(receiver.url).port;
  const created = await register(`https://rebind.firma.example:${port}/hook`);
  assert.equal(created.statusCode, 200, created.body);
  rebound = true;
  const apiUser = (await admin.call('POST', '/api/portal/api-users', { username: 'ssrf-api' })).json();
  const token = await t.token(apiUser.username, apiUser.password);
  await recordConsent(
    t,
    token,
    { recipient: '+905553339001', type: 'MESAJ', consentDate: recentWireDate(60_000) },
    { iysCode, brandCode },
  );

  let log: { lastError: string | null; attempts: number }[] = [];
  for (let i = 0; i < 100 && (log[0]?.attempts ?? 0) < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    log = (await admin.call('GET', `/api/portal/webhooks/${created.json().id}/deliveries`)).json();
  }
  assert.ok(log[0]!.attempts >= 2, JSON.stringify(log));
  assert.equal(log[0]!.lastError, 'address not allowed');
  assert.equal(receiver.received.length, 0, 'the loopback receiver was never called');
});
