import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { signIn } from '../helpers/citizen.js';
import { COMPANY_APPLICATION, onboardProvider, uploadFile, waitForUpload } from '../helpers/portal.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { DEMO, recentWireDate, startTestSystem, type TestSystem } from '../helpers/system.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem();
});
after(() => t.close());

const PHONES = ['+905321234567', '+905419876543'];
const EMAILS = ['zeynep.kaya@example.com.tr', 'mehmet+promo@example.org'];
/** The provider's own people: the applicant (the portal admin) and a retailer's mobile. */
const STAFF = [COMPANY_APPLICATION.email, '+905307654321'];

/** Every form in which an address could leak: as typed, without the +, national, and hex-encoded. */
function leakPatterns(): string[] {
  const plain = [
    ...PHONES,
    ...PHONES.map((p) => p.slice(1)),
    ...PHONES.map((p) => p.slice(3)),
    ...EMAILS,
    ...EMAILS.map((e) => e.split('@')[0]!),
    ...STAFF,
  ];
  return [...plain, ...plain.map((p) => Buffer.from(p, 'utf8').toString('hex'))];
}

test('no table, column or log line holds a plaintext address', async () => {
  const token = await t.token();
  const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
  const send = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload: payload as object } : {}),
    });
  const consentDate = recentWireDate(120_000);

  // Single adds, a bulk request processed by the real worker, queries, rejected input and the feed.
  assert.equal(
    (
      await send('POST', `${base}/consents`, {
        recipient: PHONES[0],
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'ONAY',
        source: 'HS_WEB',
        consentDate,
      })
    ).statusCode,
    200,
  );
  assert.equal(
    (
      await send('POST', `${base}/consents`, {
        recipient: EMAILS[0],
        recipientType: 'BIREYSEL',
        type: 'EPOSTA',
        status: 'ONAY',
        source: 'HS_WEB',
        consentDate,
      })
    ).statusCode,
    200,
  );
  const bulk = await send('POST', `${base}/consents/request`, [
    { recipient: PHONES[1], recipientType: 'TACIR', type: 'ARAMA', status: 'ONAY' },
    {
      recipient: EMAILS[1],
      recipientType: 'BIREYSEL',
      type: 'EPOSTA',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    },
    {
      recipient: PHONES[0],
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    },
  ]);
  assert.equal(bulk.statusCode, 200);
  const { requestId } = bulk.json();
  let results: Array<{ status: string }> = [];
  for (let i = 0; i < 100; i++) {
    results = (await send('GET', `${base}/consents/request/${requestId}`)).json();
    if (results.every((r) => r.status !== 'enqueue')) break;
    await sleep(50);
  }
  assert.deepEqual(
    results.map((r) => r.status),
    ['success', 'success', 'failure'],
  );
  await send('POST', `${base}/consents/status`, {
    recipient: PHONES[0],
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  await send('POST', `${base}/consents/BIREYSEL/status/MESAJ`, { recipients: PHONES });
  await send('POST', `${base}/consents`, {
    recipient: PHONES[1],
    recipientType: 'BIREYSEL',
    type: 'EPOSTA',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate,
  });
  const changes = (await send('GET', `${base}/consents/changes?source=HS`)).json();
  assert.deepEqual(
    new Set(changes.list.map((c: { recipient: string }) => c.recipient)),
    new Set([...PHONES, ...EMAILS]),
  );

  // The citizen side: codes, sessions, a change, a complaint, an SMS keyword, and the ONAY notices.
  const citizen = await signIn(t, PHONES[0]!);
  assert.equal(
    (
      await citizen.call('POST', '/api/citizen/consents/change', {
        addressId: citizen.addressId,
        brandCode: DEMO.brandCode,
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'RET',
      })
    ).statusCode,
    204,
  );
  const complaint = await citizen.call('POST', '/api/citizen/complaints', {
    addressId: citizen.addressId,
    brandCode: DEMO.brandCode,
    type: 'MESAJ',
    receivedAt: recentWireDate(30_000),
    messageText: `Bu numaraya (${PHONES[0]}) ileti geldi`,
  });
  assert.equal(complaint.statusCode, 200, complaint.body);
  const inbound = await t.app.inject({
    method: 'POST',
    url: '/inbound/sms',
    headers: { 'x-openiys-secret': 'sandbox-inbound-sms-secret' },
    payload: { from: PHONES[1], text: 'RET' },
  });
  assert.equal(inbound.statusCode, 200);
  await signIn(t, EMAILS[0]!);
  await t.system.notifications.dispatchPending();
  await t.system.devOutbox!.waitFor((m) => m.to === EMAILS[1] && m.text.includes('/r/'));

  // The provider side: an application and its portal, a retailer, a consent file, a webhook, İYS Yolu.
  const { admin, iysCode, brandCode } = await onboardProvider(t);
  const receiver = await startWebhookReceiver();
  try {
    assert.equal(
      (await admin.call('POST', '/api/portal/webhooks', { brandCode, url: receiver.url })).statusCode,
      200,
    );
    const retailer = await admin.call('POST', `/api/portal/brands/${brandCode}/retailers`, {
      title: 'Bayi',
      name: 'Ali Veli',
      tckn: '10000000146',
      mobile: STAFF[1],
      city: { code: '34' },
      town: { code: '3401' },
    });
    assert.equal(retailer.statusCode, 200, retailer.body);
    const file = `recipient,recipientType,type,status,source,consentDate\n${PHONES[0]},BIREYSEL,ARAMA,ONAY,HS_WEB,${consentDate}\n${EMAILS[1]},BIREYSEL,MESAJ,ONAY,HS_WEB,${consentDate}\n`;
    const uploaded = await uploadFile(t, admin, brandCode, { name: 'izinler.csv', data: Buffer.from(file) });
    const done = await waitForUpload(admin, uploaded.json().id);
    assert.deepEqual([done.rowsApplied, done.rowsFailed], [1, 1]);
    // Files whose parse errors used to quote their content into the failed job's output (pgboss.job.output).
    for (const poisoned of [
      `recipient,recipientType,type\n${PHONES[1]}"x,BIREYSEL,MESAJ\n${EMAILS[0]}"y,BIREYSEL,EPOSTA\n`,
      `recipient,recipientType,type\n"${PHONES[1]},BIREYSEL,"MESAJ"x"\n"${EMAILS[0]}${'z'.repeat(300_000)}`,
    ]) {
      const sent = await uploadFile(t, admin, brandCode, { name: 'bozuk.csv', data: Buffer.from(poisoned) });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.ok(['completed', 'failed'].includes((await waitForUpload(admin, sent.json().id)).status));
    }
    await receiver.waitFor(1);
    const { username, password } = (
      await admin.call('POST', '/api/portal/api-users', { username: 'gizlilik' })
    ).json();
    const yolu = await t.app.inject({
      method: 'POST',
      url: `/sps/${iysCode}/brands/${brandCode}/consents/overIys`,
      headers: { authorization: `Bearer ${await t.token(username, password)}` },
      payload: { recipient: EMAILS[0], recipientType: 'BIREYSEL', type: ['EPOSTA'], source: 'IYS_EPOSTA' },
    });
    assert.equal(yolu.statusCode, 200, yolu.body);
  } finally {
    await receiver.close();
  }

  const db = t.system.database.db;
  const { rows: tables } = await sql<{ schema: string; name: string }>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`.execute(db);
  assert.ok(tables.some((table) => table.name === 'consent_events'));
  assert.ok(tables.some((table) => table.schema === 'pgboss'));
  for (const name of [
    'outbox_messages',
    'otp_challenges',
    'complaints',
    'consent_notifications',
    'citizen_sessions',
    'provider_applications',
    'portal_users',
    'retailers',
    'consent_uploads',
    'consent_upload_errors',
    'webhook_deliveries',
    'iys_yolu_requests',
  ]) {
    assert.ok(
      tables.some((table) => table.name === name),
      name,
    );
  }

  const patterns = leakPatterns();
  let rowsScanned = 0;
  for (const table of tables) {
    const { rows } = await sql<{
      row: string;
    }>`SELECT t::text AS row FROM ${sql.table(`${table.schema}.${table.name}`)} t`.execute(db);
    rowsScanned += rows.length;
    for (const { row } of rows) {
      for (const pattern of patterns) {
        assert.ok(
          !row.toLowerCase().includes(pattern.toLowerCase()),
          `${table.schema}.${table.name} holds "${pattern}"`,
        );
      }
    }
  }
  assert.ok(rowsScanned > 10, 'the scan must have read the data it is checking');

  // Indexes hold only what their tables hold, and every indexed column was scanned above; the log too:
  const log = t.logLines.join('');
  assert.ok(t.logLines.length > 5, 'the system must have logged something for this check to mean anything');
  for (const pattern of patterns) assert.ok(!log.includes(pattern), `the log holds "${pattern}"`);
});
