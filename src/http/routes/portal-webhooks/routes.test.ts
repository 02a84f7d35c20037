import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../../../../test/helpers/citizen.js';
import { onboardProvider, type PortalUser } from '../../../../test/helpers/portal.js';
import {
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';
import { startWebhookReceiver } from '../../../../test/helpers/webhook-receiver.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhook } from '../../../crypto/webhook-signature.js';

let t: TestSystem;
let admin: PortalUser;
let iysCode: number;
let brandCode: number;
let apiToken: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

before(async () => {
  // Retries every 50 ms, given up after a second: the real schedule (10 s … 24 h) compressed.
  t = await startTestSystem({ webhookDelivery: { retryBaseMs: 50, maxRetryMs: 200, giveUpAfterMs: 1000 } });
  ({ admin, iysCode, brandCode } = await onboardProvider(t));
  const { username, password } = (
    await admin.call('POST', '/api/portal/api-users', { username: 'hooks-api' })
  ).json();
  apiToken = await t.token(username, password);
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver.close();
  await t.close();
});

const record = (recipient: string, extra: Record<string, unknown> = {}) =>
  recordConsent(
    t,
    apiToken,
    { recipient, type: 'MESAJ', consentDate: recentWireDate(120_000), ...extra },
    { iysCode, brandCode },
  );

describe('registration', () => {
  test('https, or loopback http in the sandbox; nothing else', async () => {
    for (const url of [
      'http://example.com/hook',
      'ftp://127.0.0.1/x',
      'https://user:pw@example.com/',
      'not a url',
    ]) {
      const response = await admin.call('POST', '/api/portal/webhooks', { brandCode, url });
      assert.equal(response.json().errors?.[0].code, 'H940', url);
    }
    const foreignBrand = await admin.call('POST', '/api/portal/webhooks', {
      brandCode: 700010,
      url: 'https://example.com/h',
    });
    assert.equal(foreignBrand.json().errors[0].code, 'H930');
  });
});

describe('delivery', () => {
  let secret: string;
  let webhookId: string;
  before(async () => {
    const created = await admin.call('POST', '/api/portal/webhooks', { brandCode, url: receiver.url });
    assert.equal(created.statusCode, 200, created.body);
    ({ id: webhookId, secret } = created.json());
    assert.match(secret, /^whsec_/);
    const listed = (await admin.call('GET', '/api/portal/webhooks')).json();
    assert.equal(JSON.stringify(listed).includes(secret), false, 'the secret is shown only once');
  });

  test('a citizen’s refusal arrives signed, with the address and an event id', async () => {
    await record('+905553330001');
    const citizen = await signIn(t, '+905553330001');
    await citizen.call('POST', '/api/citizen/consents/reject-all', {
      addressId: citizen.addressId,
      type: 'MESAJ',
    });
    // Deliveries of different events may overtake each other; the event id orders them.
    const hooks = await receiver.waitFor(2);
    const ret = hooks.find((hook) => JSON.parse(hook.body).data.status === 'RET');
    const onay = hooks.find((hook) => JSON.parse(hook.body).data.status === 'ONAY');
    assert.ok(Number(JSON.parse(onay!.body).id) < Number(JSON.parse(ret!.body).id));
    for (const hook of hooks) {
      assert.ok(
        verifyWebhook(secret, hook.headers[SIGNATURE_HEADER] as string, hook.body),
        'signature verifies',
      );
      assert.equal(verifyWebhook('whsec_wrong', hook.headers[SIGNATURE_HEADER] as string, hook.body), false);
      assert.equal(JSON.parse(hook.body).id, hook.headers[EVENT_ID_HEADER]);
    }
    const body = JSON.parse(ret!.body);
    assert.equal(body.type, 'consent.changed');
    assert.deepEqual(
      [body.data.iysCode, body.data.brandCode, body.data.recipient, body.data.status, body.data.source],
      [iysCode, brandCode, '+905553330001', 'RET', 'IYS_WEB'],
    );
    // The receiver answers before the dispatcher records the delivery: give it a moment.
    let log: { status: string }[] = [];
    for (let i = 0; i < 50; i++) {
      log = (await admin.call('GET', `/api/portal/webhooks/${webhookId}/deliveries`)).json();
      if (log.length >= 2 && log.every((d) => d.status === 'delivered')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(
      log.length >= 2 && log.every((d: { status: string }) => d.status === 'delivered'),
      JSON.stringify(log),
    );
  });

  test('replay sends the same event id again; rotation signs with both secrets for a day', async () => {
    const log = (await admin.call('GET', `/api/portal/webhooks/${webhookId}/deliveries`)).json();
    const before = receiver.received.length;
    const rotated = (await admin.call('POST', `/api/portal/webhooks/${webhookId}/rotate-secret`)).json();
    assert.notEqual(rotated.secret, secret);
    const replayed = await admin.call('POST', `/api/portal/webhook-deliveries/${log[0].id}/replay`);
    assert.equal(replayed.statusCode, 200, replayed.body);
    const again = (await receiver.waitFor(before + 1))[before]!;
    assert.equal(again.headers[EVENT_ID_HEADER], log[0].eventId);
    const header = again.headers[SIGNATURE_HEADER] as string;
    assert.ok(verifyWebhook(rotated.secret, header, again.body));
    assert.ok(verifyWebhook(secret, header, again.body), 'the old secret still verifies during the overlap');
    secret = rotated.secret;
  });

  test('a failing endpoint is retried, then disabled, and the company admins are e-mailed', async () => {
    receiver.setStatus(500);
    const before = receiver.received.length;
    await record('+905553330002');
    const mail = await t.system.devOutbox!.waitFor(
      (m) => /devre dışı/.test(m.subject ?? '') && m.to === 'uyum@ornek.com.tr',
      15_000,
    );
    assert.match(mail.text, /HTTP 500/);
    assert.ok(
      receiver.received.length - before >= 3,
      `retried (${receiver.received.length - before} attempts)`,
    );
    const hook = (await admin.call('GET', '/api/portal/webhooks'))
      .json()
      .find((w: { id: string }) => w.id === webhookId);
    assert.equal(hook.status, 'disabled');
    const log = (await admin.call('GET', `/api/portal/webhooks/${webhookId}/deliveries`)).json();
    assert.equal(log[0].status, 'failed');
    assert.equal(log[0].lastStatus, 500);

    // Mended and re-enabled, the endpoint gets new events again.
    receiver.setStatus(204);
    assert.equal((await admin.call('POST', `/api/portal/webhooks/${webhookId}/enable`)).statusCode, 200);
    const count = receiver.received.length;
    await record('+905553330003');
    const [latest] = (await receiver.waitFor(count + 1)).slice(count);
    assert.equal(JSON.parse(latest!.body).data.recipient, '+905553330003');
  });

  test('another company sees nothing; an operator cannot register', async () => {
    const other = await onboardProvider(t, {
      kind: 'TUZEL',
      title: 'Başka A.Ş.',
      vkn: '0010010010',
      mersis: '0001001001000015',
      taxOffice: 'Şişli',
      invoiceAddress: 'Mecidiyeköy Mah. No: 3 Şişli / İstanbul',
      email: 'admin@baska.example.com',
      contactName: 'Can Başka',
      contactTckn: '12345678950',
    });
    assert.deepEqual((await other.admin.call('GET', '/api/portal/webhooks')).json(), []);
    assert.equal(
      (await other.admin.call('GET', `/api/portal/webhooks/${webhookId}/deliveries`)).statusCode,
      404,
    );
    await admin.call('POST', '/api/portal/users', {
      email: 'op@ornek.com.tr',
      name: 'Op Erator',
      role: 'operator',
    });
    const message = await t.system.devOutbox!.waitFor((m) => m.to === 'op@ornek.com.tr');
    const token = /davet#([A-Za-z0-9_-]+)/.exec(message.text)![1]!;
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token, password: 'operator password 9' },
    });
    const cookie = String(accepted.headers['set-cookie']).split(';')[0]!;
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/portal/webhooks',
      headers: { cookie, 'x-csrf-token': accepted.json().csrfToken },
      payload: { brandCode, url: receiver.url },
    });
    assert.equal(denied.statusCode, 403);
  });
});
