import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { signIn } from '../../../../test/helpers/citizen.js';
import {
  DEMO,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';
import { turkeyDay } from '../../../domain/wire-date.js';

const DAY = 24 * 3600_000;
let now = new Date();
let t: TestSystem;
let token: string;
const twoDaysAgo = turkeyDay(new Date(Date.now() - 2 * DAY));
const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/changes`;

before(async () => {
  t = await startTestSystem({ clock: () => now });
  token = await t.token();
  // Two days ago: two ONAYs by the provider, then a citizen's RET through the registry.
  now = new Date(Date.now() - 2 * DAY);
  await recordConsent(t, token, {
    recipient: '+905552220001',
    type: 'MESAJ',
    consentDate: recentWireDate(60_000, now),
  });
  await recordConsent(t, token, {
    recipient: 'ayse@example.com',
    type: 'EPOSTA',
    consentDate: recentWireDate(60_000, now),
  });
  const citizen = await signIn(t, '+905552220001');
  const refused = await citizen.call('POST', '/api/citizen/consents/reject-all', {
    addressId: citizen.addressId,
    type: 'MESAJ',
  });
  assert.equal(refused.statusCode, 200, refused.body);
  await recordConsent(t, token, {
    recipient: '+905552220002',
    type: 'MESAJ',
    recipientType: 'TACIR',
    consentDate: recentWireDate(60_000, now),
  });
  now = new Date();
  await recordConsent(t, token, { recipient: '+905552220003', type: 'ARAMA' });
});
after(() => t.close());

const get = (url: string) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

test('the daily summary counts movements per channel and source for one recipient type', async () => {
  const response = await get(`${base}/${twoDaysAgo}/recipients/BIREYSEL`);
  assert.equal(response.statusCode, 200, response.body);
  const stats = response.json().changeStats as {
    type: string;
    consents: { source: string; total: number; approval: number; rejection: number }[];
  }[];
  const of = (type: string, source: string) =>
    stats.find((s) => s.type === type)!.consents.find((c) => c.source === source);
  assert.deepEqual(of('MESAJ', 'HS'), { source: 'HS', total: 1, approval: 1, rejection: 0 });
  assert.deepEqual(of('MESAJ', 'IYS'), { source: 'IYS', total: 1, approval: 0, rejection: 1 });
  assert.deepEqual(of('EPOSTA', 'HS'), { source: 'HS', total: 1, approval: 1, rejection: 0 });
  assert.deepEqual(of('ARAMA', 'HS'), { source: 'HS', total: 0, approval: 0, rejection: 0 });
  const tacir = (await get(`${base}/${twoDaysAgo}/recipients/TACIR`)).json().changeStats;
  assert.equal(tacir.find((s: { type: string }) => s.type === 'MESAJ').consents[0].approval, 1);
});

test('the movement file lists the day in log order with the addresses', async () => {
  const response = await get(`${base}/${twoDaysAgo}/file`);
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /text\/csv/);
  assert.equal(response.body.startsWith('\uFEFF'), false, 'a file for programs: no byte-order mark');
  const rows = parse(response.body, { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    rows.map((r) => [r.recipient, r.type, r.status, r.source!.slice(0, 3)]),
    [
      ['+905552220001', 'MESAJ', 'ONAY', 'HS_'],
      ['ayse@example.com', 'EPOSTA', 'ONAY', 'HS_'],
      ['+905552220001', 'MESAJ', 'RET', 'IYS'],
      ['+905552220002', 'MESAJ', 'ONAY', 'HS_'],
    ],
  );
  assert.deepEqual(Object.keys(rows[0]!), [
    'creationDate',
    'transactionId',
    'recipient',
    'recipientType',
    'type',
    'status',
    'consentDate',
    'source',
  ]);
});

test('dates: bad format, today and older than 7 days are refused for the file; bad recipientType is H503', async () => {
  for (const date of [
    '2026-13-01',
    '20261101',
    turkeyDay(new Date()),
    turkeyDay(new Date(Date.now() - 8 * DAY)),
    turkeyDay(new Date(Date.now() + DAY)),
  ]) {
    const response = await get(`${base}/${date}/file`);
    assert.equal(response.statusCode, 422, date);
    assert.equal(response.json().errors[0].code, 'H501', date);
  }
  assert.equal(
    (await get(`${base}/${turkeyDay(new Date())}/recipients/BIREYSEL`)).statusCode,
    200,
    'today’s summary is allowed',
  );
  const bad = await get(`${base}/${twoDaysAgo}/recipients/BIREYSELL`);
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().errors[0].code, 'H503');
  assert.match(bad.json().errors[0].message, /^BIREYSELL kabul edilemedi/);
});
