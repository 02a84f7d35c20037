import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatWireDate } from '../../../domain/wire-date.js';
import { signIn } from '../../../../test/helpers/citizen.js';
import {
  citizenChanges,
  DEMO,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let providerToken: string;
let operator: { token: string };
let checker: { token: string };
const CLOSED = '+905557770001'; // ONAY for SMS and calls in two brands, then its line closes
const KEPT = '+905557770002'; // ONAY, line never closes
const RECYCLED = '+905557770003'; // closed yesterday, then a new owner consents today
const FILED = ['+905557770011', '+905557770012', '+905557770013'];
const SECOND_BRAND = { iysCode: DEMO.iysCode, brandCode: DEMO.secondBrandCode };
const DAY_MS = 24 * 60 * 60 * 1000;

before(async () => {
  t = await startTestSystem();
  providerToken = await t.token();
  for (const type of ['MESAJ', 'ARAMA'])
    for (const brand of [DEMO, SECOND_BRAND])
      await recordConsent(
        t,
        providerToken,
        { recipient: CLOSED, type, consentDate: recentWireDate(120_000) },
        brand,
      );
  await recordConsent(t, providerToken, { recipient: KEPT, type: 'MESAJ' });
  for (const recipient of FILED) await recordConsent(t, providerToken, { recipient, type: 'MESAJ' });
  operator = await t.system.gateway.addAccount('Hat Operatörü A.Ş.', ['MESAJ', 'ARAMA'], {
    seesDetail: true,
    closesLines: true,
  });
  checker = await t.system.gateway.addAccount('Yalnız sorgu A.Ş.', ['MESAJ'], { seesDetail: true });
});
after(() => t.close());

const report = (closures: unknown, token = operator.token) =>
  t.app.inject({
    method: 'POST',
    url: '/gateway/v1/line-closures',
    headers: { authorization: `Bearer ${token}` },
    payload: { closures } as object,
  });

const sendFile = (csv: string | Buffer) =>
  t.app.inject({
    method: 'POST',
    url: '/gateway/v1/line-closures/files',
    headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'text/csv' },
    payload: csv,
  });

const status = async (
  recipient: string,
  type = 'MESAJ',
  brand: { iysCode: number; brandCode: number } = DEMO,
) => {
  const response = await t.app.inject({
    method: 'POST',
    url: `/sps/${brand.iysCode}/brands/${brand.brandCode}/consents/status`,
    headers: { authorization: `Bearer ${providerToken}` },
    payload: { recipient, recipientType: 'BIREYSEL', type },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { status: string; source: string; consentDate: string };
};

/** The gateway's answer for one recipient, once its index has caught up (it follows the change stream). */
async function gatewayAnswer(recipient: string, expected: boolean) {
  let answer: { allowed: boolean; reason: string } | undefined;
  for (let tries = 0; tries < 100; tries++) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/gateway/v1/check',
      headers: { authorization: `Bearer ${checker.token}` },
      payload: { brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [recipient] },
    });
    answer = response.json().results[0];
    if (answer!.allowed === expected) break;
    await sleep(50);
  }
  return answer!;
}

async function batchWhenDone(batchId: string) {
  for (let tries = 0; tries < 200; tries++) {
    const response = await t.app.inject({
      url: `/gateway/v1/line-closures/${batchId}`,
      headers: { authorization: `Bearer ${operator.token}` },
    });
    assert.equal(response.statusCode, 200, response.body);
    if (response.json().status === 'completed') return response.json();
    await sleep(50);
  }
  assert.fail('the file was not applied');
}

test('only an account allowed to close lines may report closures; bad shapes are İYS errors', async () => {
  const refused = await report([{ recipient: CLOSED, closedAt: '2026-01-01' }], checker.token);
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().errors[0].code, 'H992');
  assert.equal((await report([], 'nonsense')).json().errors[0].code, 'H351');
  const notAList = await report('all of them');
  assert.equal(notAList.statusCode, 422);
  assert.equal(notAList.json().errors[0].code, 'H923');
  assert.equal((await gatewayAnswer(CLOSED, true)).allowed, true, 'nothing was closed');
});

test('a closure ends every ONAY of the number in every brand and channel, visibly everywhere', async () => {
  assert.equal((await gatewayAnswer(CLOSED, true)).allowed, true);
  // The company listens for movements of its first brand.
  const { db } = t.system.database;
  const provider = await db
    .selectFrom('providers')
    .select('id')
    .where('iys_code', '=', DEMO.iysCode)
    .executeTakeFirstOrThrow();
  const session = { providerId: provider.id, role: 'admin' } as Parameters<
    typeof t.system.webhooks.create
  >[0];
  const hook = await t.system.webhooks.create(session, {
    brandCode: DEMO.brandCode,
    url: 'http://127.0.0.1:9/hook',
  });
  const closedAt = recentWireDate(30_000);
  const response = await report([
    { recipient: CLOSED, closedAt },
    { recipient: 'ali@example.com', closedAt },
    { recipient: KEPT, closedAt: '2026-13-01' },
    { recipient: KEPT, closedAt: formatWireDate(new Date(Date.now() + DAY_MS)) },
  ]);
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  assert.deepEqual([body.received, body.new, body.failed, body.consentsClosed], [4, 1, 3, 4]);
  assert.deepEqual(
    body.errors.map((e: { row: number; code: string }) => [e.row, e.code]),
    [
      [1, 'H121'],
      [2, 'H993'],
      [3, 'H162'],
    ],
  );

  for (const brand of [DEMO, SECOND_BRAND])
    for (const type of ['MESAJ', 'ARAMA']) {
      const held = await status(CLOSED, type, brand);
      assert.deepEqual(
        [held.status, held.source, held.consentDate],
        ['RET', 'IYS_AHS_HAT_KAPATMA', closedAt],
      );
    }
  assert.equal((await status(KEPT)).status, 'ONAY', 'a refused row closes nothing');

  const answer = await gatewayAnswer(CLOSED, false);
  assert.deepEqual([answer.allowed, answer.reason], [false, 'RET']);
  const feed = await citizenChanges(t, providerToken);
  const closures = feed.filter((m) => m.recipient === CLOSED && m.source === 'IYS_AHS_HAT_KAPATMA');
  assert.deepEqual(closures.map((m) => [m.type, m.status]).sort(), [
    ['ARAMA', 'RET'],
    ['MESAJ', 'RET'],
  ]);
  // Its webhook is given both refusals, as any movement.
  const delivered = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('consent_events as e', 'e.id', 'd.event_id')
    .select(['e.type', 'e.source'])
    .where('d.webhook_id', '=', hook.id)
    .execute();
  assert.deepEqual(delivered.map((d) => [d.type, d.source]).sort(), [
    ['ARAMA', 'IYS_AHS_HAT_KAPATMA'],
    ['MESAJ', 'IYS_AHS_HAT_KAPATMA'],
  ]);

  // The same report again changes nothing: no new closure, no new movement.
  const again = (await report([{ recipient: CLOSED, closedAt }])).json();
  assert.deepEqual([again.new, again.consentsClosed], [0, 0]);
  assert.equal((await citizenChanges(t, providerToken)).length, feed.length);
});

test('a recycled number keeps its new owner’s ONAY; the old owner’s portal lets the line go', async () => {
  await recordConsent(t, providerToken, {
    recipient: RECYCLED,
    type: 'MESAJ',
    consentDate: formatWireDate(new Date(Date.now() - 2 * DAY_MS)),
  });
  const oldOwner = await signIn(t, RECYCLED);
  await sleep(1100); // wire dates have whole seconds: the closure comes a second after the sign-in
  const closedAt = recentWireDate(0);
  const closed = (await report([{ recipient: RECYCLED, closedAt }])).json();
  assert.equal(closed.consentsClosed, 1);
  const session = (await oldOwner.call('GET', '/api/citizen/session')).json();
  assert.deepEqual(session.addresses, [], 'the closed line left the old owner’s account');

  // Then the number has a new owner, who consents; a late copy of the old closure must not end that.
  await sleep(1100);
  await recordConsent(t, providerToken, {
    recipient: RECYCLED,
    type: 'MESAJ',
    consentDate: recentWireDate(0),
  });
  const late = (await report([{ recipient: RECYCLED, closedAt }])).json();
  assert.deepEqual([late.new, late.consentsClosed], [0, 0]);
  const earlier = (await report([{ recipient: RECYCLED, closedAt: recentWireDate(DAY_MS) }])).json();
  assert.deepEqual([earlier.new, earlier.consentsClosed], [1, 0], 'an older closure ends nothing newer');
  assert.equal((await status(RECYCLED)).status, 'ONAY');
  assert.equal((await gatewayAnswer(RECYCLED, true)).allowed, true);
});

test('a daily file is recorded whole, applied in the background, and the same file twice changes nothing', async () => {
  const day = formatWireDate(new Date()).slice(0, 10);
  const csv =
    'alıcı;kapanış tarihi\r\n' +
    `${FILED[0]};${day}\r\n0${FILED[1]!.slice(3)};${day}\r\nnot-a-number;${day}\r\n${FILED[2]};${day}\r\n`;
  const response = await sendFile(csv);
  assert.equal(response.statusCode, 202, response.body);
  const receipt = response.json();
  assert.deepEqual([receipt.received, receipt.new, receipt.failed, receipt.repeated], [4, 3, 1, false]);
  assert.deepEqual([receipt.errors[0].row, receipt.errors[0].code], [4, 'H122']);

  const done = await batchWhenDone(receipt.batchId);
  assert.deepEqual([done.applied, done.consentsClosed, done.kind], [3, 3, 'file']);
  for (const recipient of FILED) assert.equal((await status(recipient)).source, 'IYS_AHS_HAT_KAPATMA');

  const repeated = (await sendFile(csv)).json();
  assert.deepEqual([repeated.batchId, repeated.new, repeated.repeated], [receipt.batchId, 0, true]);

  // The console lists every report with its progress.
  const key = await t.system.regulator.addKey('Kurul', 'regulator');
  const listed = await t.app.inject({
    url: '/api/regulator/line-closures',
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(listed.statusCode, 200, listed.body);
  const file = listed.json().find((b: { batchId: string }) => b.batchId === receipt.batchId);
  assert.deepEqual([file.operator, file.status, file.consentsClosed], ['Hat Operatörü A.Ş.', 'completed', 3]);
});

test('a file without its columns, or not a file at all, is refused with its code and records nothing', async () => {
  const noHeader = await sendFile('number,date\n+905557770099,2026-01-01\n');
  assert.equal(noHeader.statusCode, 422);
  assert.equal(noHeader.json().errors[0].code, 'H994');
  const binary = await sendFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2, 3]));
  assert.equal(binary.statusCode, 422);
  assert.equal(binary.json().errors[0].code, 'H961');
  const other = await t.app.inject({
    method: 'POST',
    url: '/gateway/v1/line-closures/files',
    headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'image/png' },
    payload: Buffer.from('x'),
  });
  assert.equal(other.json().errors[0].code, 'H905');
});
