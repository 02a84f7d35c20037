import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import {
  invitationTokenFor,
  onboardProvider,
  portalUserFrom,
  type PortalUser,
} from '../../../../test/helpers/portal.js';
import { DEMO, recentWireDate, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';
import { turkeyDay } from '../../../domain/wire-date.js';

const DAY = 24 * 3600_000;
let now = new Date();
let t: TestSystem;
let admin: PortalUser;
let brandCode: number;
before(async () => {
  t = await startTestSystem({ clock: () => now });
  ({ admin, brandCode } = await onboardProvider(t));
});
after(() => t.close());

const consent = (fields: Record<string, unknown> = {}) => ({
  recipient: '0532 111 22 33',
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_FIZIKSEL_ORTAM',
  consentDate: recentWireDate(60_000, now),
  ...fields,
});

test('a consent typed in by hand is recorded as the API records it, with the number as people write it', async () => {
  const recorded = await admin.call('POST', `/api/portal/brands/${brandCode}/consents`, consent());
  assert.equal(recorded.statusCode, 200, recorded.body);
  assert.match(recorded.json().transactionId, /^[0-9a-f]{64}$/);

  const found = (await admin.call('GET', '/api/portal/consents?recipient=%2B905321112233')).json();
  assert.deepEqual(
    found.consents.map((c: Record<string, unknown>) => [c.brandCode, c.type, c.status, c.source]),
    [[brandCode, 'MESAJ', 'ONAY', 'HS_FIZIKSEL_ORTAM']],
  );
  assert.equal(found.history[0].transactionId, recorded.json().transactionId);
  // Recorded in the company's name by this portal user, as an upload's rows are.
  const client = new pg.Client({ connectionString: t.database.ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT actor_kind, actor_id FROM consent_events WHERE transaction_id = $1',
      [recorded.json().transactionId],
    );
    assert.equal(rows[0].actor_kind, 'provider');
    assert.match(rows[0].actor_id, /^portal:\d+$/);
  } finally {
    await client.end();
  }
});

test('each mistake gets its own İYS code and field; nothing is recorded', async () => {
  for (const [fields, code, field] of [
    [{ status: 'EVET' }, 'H115', 'status'],
    [{ type: 'FAKS' }, 'H117', 'type'],
    [{ recipient: '0532 111' }, 'H121', 'recipient'],
    [{ consentDate: '2099-01-01 10:00:00' }, 'H162', 'consentDate'],
    [{ type: 'EPOSTA' }, 'H459', 'type'],
  ] as const) {
    const refused = await admin.call(
      'POST',
      `/api/portal/brands/${brandCode}/consents`,
      consent({ recipient: '+905321112244', ...fields }),
    );
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().errors[0].code, code, refused.body);
    assert.deepEqual(refused.json().errors[0].location, [field]);
  }
  const found = (await admin.call('GET', '/api/portal/consents?recipient=%2B905321112244')).json();
  assert.deepEqual(found.consents, []);
  const body = await admin.call('POST', `/api/portal/brands/${brandCode}/consents`, ['not', 'an', 'object']);
  assert.equal(body.statusCode, 422, body.body);
  assert.ok(body.json().errors[0].code);
});

test('another company’s brand is not found; a read-only user cannot record', async () => {
  const foreign = await admin.call('POST', `/api/portal/brands/${DEMO.brandCode}/consents`, consent());
  assert.equal(foreign.statusCode, 404, foreign.body);
  assert.equal(foreign.json().errors[0].code, 'H930');

  await admin.call('POST', '/api/portal/users', {
    email: 'okur@ornek.com.tr',
    name: 'Okur Kişi',
    role: 'readonly',
  });
  const token = await invitationTokenFor(t, 'okur@ornek.com.tr');
  const reader = portalUserFrom(
    t,
    await t.app.inject({
      method: 'POST',
      url: '/api/portal/invitation',
      payload: { token, password: 'a reader password 1' },
    }),
  );
  const denied = await reader.call(
    'POST',
    `/api/portal/brands/${brandCode}/consents`,
    consent({ recipient: '+905321112255' }),
  );
  assert.equal(denied.statusCode, 403, denied.body);
  // Reading the day's reconciliation is for everyone in the company.
  const today = turkeyDay(now);
  const summary = await reader.call('GET', `/api/portal/brands/${brandCode}/reconciliation/${today}`);
  assert.equal(summary.statusCode, 200, summary.body);
});

test('the reconciliation screen: a day’s counts for both recipient types, and yesterday’s file for Excel', async () => {
  const realNow = now;
  now = new Date(realNow.getTime() - DAY);
  try {
    const made = await admin.call(
      'POST',
      `/api/portal/brands/${brandCode}/consents`,
      consent({ recipient: 'ali@ornek.com.tr', type: 'EPOSTA', consentDate: recentWireDate(60_000, now) }),
    );
    assert.equal(made.statusCode, 200, made.body);
  } finally {
    now = realNow;
  }
  const yesterday = turkeyDay(new Date(now.getTime() - DAY));
  const summary = (
    await admin.call('GET', `/api/portal/brands/${brandCode}/reconciliation/${yesterday}`)
  ).json();
  const eposta = summary.BIREYSEL.find((s: { type: string }) => s.type === 'EPOSTA');
  assert.deepEqual(eposta.consents[0], { source: 'HS', total: 1, approval: 1, rejection: 0 });
  assert.ok(
    summary.TACIR.every((s: { consents: { total: number }[] }) => s.consents.every((c) => c.total === 0)),
  );

  const file = await admin.call('GET', `/api/portal/brands/${brandCode}/reconciliation/${yesterday}/file`);
  assert.equal(file.statusCode, 200, file.body);
  assert.match(
    String(file.headers['content-disposition']),
    new RegExp(`izin-hareketleri-${brandCode}-${yesterday}`),
  );
  assert.ok(file.body.startsWith('\uFEFF'), 'a byte-order mark for Excel');
  const rows = parse(file.body.slice(1), { columns: true }) as Array<Record<string, string>>;
  assert.deepEqual(
    rows.map((r) => [r.recipient, r.type, r.status, r.source]),
    [['ali@ornek.com.tr', 'EPOSTA', 'ONAY', 'HS_FIZIKSEL_ORTAM']],
  );

  // Today is not a finished day yet: the file is refused with the API's code, as on the wire.
  const today = await admin.call(
    'GET',
    `/api/portal/brands/${brandCode}/reconciliation/${turkeyDay(now)}/file`,
  );
  assert.equal(today.statusCode, 422, today.body);
  assert.equal(today.json().errors[0].code, 'H501');
});
