import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AbuseLimits } from '../../src/services/abuse-guard.service.js';
import { DEMO, recentWireDate, recordConsent, startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * The gateway cannot be used to enumerate the registry (issue 10, item 5): quotas per account, number-range
 * scans refused and reported, and reason/since only for accounts entitled to them.
 */

let now = new Date();
let t: TestSystem;
let providerToken: string;
async function start(limits: Partial<AbuseLimits>) {
  t = await startTestSystem({ clock: () => now, abuseLimits: limits });
  providerToken = await t.token();
}
const onay = (recipient: string) =>
  recordConsent(t, providerToken, { recipient, type: 'MESAJ', consentDate: recentWireDate(3600_000) });
const check = (token: string, recipients: string[]) =>
  t.app.inject({
    method: 'POST',
    url: '/gateway/v1/check',
    headers: { authorization: `Bearer ${token}` },
    payload: { brandCode: DEMO.brandCode, type: 'MESAJ', recipients },
  });
/** n numbers from +90532…`first`, one after another. */
const range = (first: number, n: number) => Array.from({ length: n }, (_, i) => `+90${first + i}`);

describe('range scans', () => {
  const RANGE_START = 5320000000;
  // Customers a real sender would check: spread over the numbering plan, most of them with a record.
  const customers = Array.from({ length: 80 }, (_, i) => `+90${5330000000 + i * 1_234_567}`);
  before(async () => {
    await start({ gatewayScanRecipientsPerHour: 20_000 });
    for (let i = 0; i < 10; i++) await onay(`+90${RANGE_START + 25_000 + i}`); // in the 3rd block of 10,000
    for (const customer of customers.slice(0, 60)) await onay(customer);
  });
  after(() => t.close());

  test('10 × 10,000 sequential numbers: two blocks answered, the rest refused (H983) and reported once', async () => {
    const scanner = await t.system.gateway.addAccount('Tarayan Operatör', ['MESAJ'], { seesDetail: true });
    const answers = [];
    for (let block = 0; block < 10; block++) {
      answers.push(await check(scanner.token, range(RANGE_START + block * 10_000, 10_000)));
    }
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 200, 429, 429, 429, 429, 429, 429, 429, 429],
    );
    const refused = answers[2]!;
    assert.equal(refused.json().errors[0].code, 'H983');
    assert.ok(Number(refused.headers['retry-after']) > 3000, 'for the rest of the hour');
    assert.doesNotMatch(refused.body, /\+90532002500/, 'the ONAY holders of the third block stay unknown');

    // The same account's real traffic (spread-out customers, most of them known) is still answered.
    const daily = await check(scanner.token, customers);
    assert.equal(daily.statusCode, 200, daily.body);
    assert.equal(daily.json().results.filter((r: { allowed: boolean }) => r.allowed).length, 60);

    const adminKey = await t.system.regulator.addKey('Kurul Uzmanı');
    const alerts = await t.app.inject({
      method: 'GET',
      url: '/api/regulator/gateway-alerts',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    assert.equal(alerts.statusCode, 200, alerts.body);
    const list = alerts.json();
    assert.equal(list.length, 1, 'one alert, not one per refused request');
    assert.equal(list[0].accountName, 'Tarayan Operatör');
    assert.equal(list[0].kind, 'range-scan');
    assert.equal(list[0].details.denseShare, 1);
    assert.equal(list[0].details.recipients, 10_000);

    now = new Date(now.getTime() + 3600_000);
    assert.equal((await check(scanner.token, range(RANGE_START, 10_000))).statusCode, 200, 'a new hour');
  });

  test('random numbers the registry has never heard of count as a scan too', async () => {
    const sweeper = await t.system.gateway.addAccount('Süpüren Operatör', ['MESAJ']);
    const blind = () =>
      Array.from({ length: 5000 }, () => `+90${5300000000 + Math.floor(Math.random() * 3e8)}`);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await check(sweeper.token, blind())).statusCode);
    assert.deepEqual(answers, [200, 200, 200, 200, 429, 429]);
  });

  test('reason and since only for an entitled account', async () => {
    const plain = await t.system.gateway.addAccount('Düz Operatör', ['MESAJ']);
    const detailed = await t.system.gateway.addAccount('Ayrıntılı Operatör', ['MESAJ'], { seesDetail: true });
    const [plainResult] = (await check(plain.token, [customers[0]!])).json().results;
    assert.deepEqual(plainResult, { recipient: customers[0], allowed: true });
    const [detailedResult] = (await check(detailed.token, [customers[0]!])).json().results;
    assert.equal(detailedResult.reason, 'ONAY');
    assert.match(detailedResult.since, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });
});

describe('quotas per account', () => {
  before(() => start({ gatewayRequestsPerSecond: 3, gatewayRecipientsPerMinute: 100 }));
  after(() => t.close());

  test('requests per second (H124) and recipients per minute (H982), each with Retry-After', async () => {
    const account = await t.system.gateway.addAccount('Kotalı Operatör', ['MESAJ']);
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await check(account.token, range(5350000000 + i, 1))).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const fast = await check(account.token, range(5350000000, 1));
    assert.equal(fast.json().errors[0].code, 'H124');
    assert.equal(fast.headers['retry-after'], '1');

    now = new Date(now.getTime() + 1000);
    const big = await check(
      account.token,
      range(5360000000, 40).filter((_, i) => i % 2 === 0),
    );
    assert.equal(big.statusCode, 200);
    now = new Date(now.getTime() + 1000);
    const over = await check(account.token, range(5370000000, 90));
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().errors[0].code, 'H982');
    assert.ok(Number(over.headers['retry-after']) <= 60);
    const other = await t.system.gateway.addAccount('Başka Operatör', ['MESAJ']);
    assert.equal((await check(other.token, range(5370000000, 90))).statusCode, 200, 'per account');
  });
});
