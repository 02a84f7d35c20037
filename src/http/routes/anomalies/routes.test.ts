/**
 * Suspicious submissions (issue 14): an hour of a sender's records is judged once it is over; a flag is
 * kept once, the company is e-mailed, and the console lists it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMPANY_APPLICATION, onboardProvider, type PortalUser } from '../../../../test/helpers/portal.js';
import { startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';
import { formatWireDate } from '../../../domain/wire-date.js';

const HOUR = 3600_000;
let now = new Date();
let t: TestSystem;
let admin: PortalUser;
let brandCode: number;

before(async () => {
  // Small thresholds, so that a test writes tens of records rather than thousands.
  t = await startTestSystem({
    clock: () => now,
    anomalyLimits: { legacyMin: 5, closedMin: 3, deadlineMin: 1000, spikeMin: 1000 },
  });
  ({ admin, brandCode } = await onboardProvider(t));
});
after(() => t.close());

const record = (recipient: string, fields: Record<string, unknown>) =>
  admin.call('POST', `/api/portal/brands/${brandCode}/consents`, {
    recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: formatWireDate(new Date(now.getTime() - 60_000)),
    ...fields,
  });

test('a flood of HS_2015 records and ONAYs for refused numbers are flagged once, told and listed', async () => {
  for (let n = 0; n < 10; n++) {
    const legacy = await record(`+90555781${String(n).padStart(4, '0')}`, {
      source: 'HS_2015',
      consentDate: '2015-05-01 00:00:00',
    });
    assert.equal(legacy.statusCode, 200, legacy.body);
  }
  // Three numbers that refused in the registry last week get an ONAY again.
  for (let n = 0; n < 3; n++) {
    const phone = `+90555782${String(n).padStart(4, '0')}`;
    await record(phone, { consentDate: formatWireDate(new Date(now.getTime() - 3 * 24 * HOUR)) });
    await record(phone, {
      status: 'RET',
      consentDate: formatWireDate(new Date(now.getTime() - 2 * 24 * HOUR)),
    });
    await record(phone, {});
  }
  // Nothing is judged before the hour is over.
  assert.equal((await t.system.anomalies.scan()).flagged, 0);

  const sentAfter = new Date();
  now = new Date(now.getTime() + HOUR);
  const scanned = await t.system.anomalies.scan();
  assert.equal(scanned.flagged, 2);
  assert.equal((await t.system.anomalies.scan()).flagged, 0, 'a flag is kept and told once');

  const mail = await t.system.devOutbox!.waitFor(
    (m) => m.to === COMPANY_APPLICATION.email && m.at >= sentAfter && /HS_2015/.test(m.text),
  );
  assert.match(mail.subject ?? '', /olağan dışı/);

  const key = await t.system.regulator.addKey('Kurul');
  const listed = await t.app.inject({
    url: '/api/regulator/anomalies',
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(listed.statusCode, 200, listed.body);
  const rules = listed
    .json()
    .map((f: { rule: string; brandCode: number; details: Record<string, number> }) => [
      f.rule,
      f.brandCode,
      f.details,
    ]);
  assert.deepEqual(rules.sort(), [
    ['CLOSED_OR_REFUSED', brandCode, { closedOrRefused: 3, onay: 16 }],
    ['HS_2015_FLOOD', brandCode, { legacy: 10, total: 19 }],
  ]);
  now = new Date();
});
