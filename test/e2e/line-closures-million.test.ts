/**
 * A national operator's daily file of a million closures: received whole (all or nothing, durable before
 * the answer), applied in transactions of CLOSURES_PER_TRANSACTION by the worker, and idempotent.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatWireDate } from '../../src/domain/wire-date.js';
import { DEMO, recordConsent, startTestSystem, type TestSystem } from '../helpers/system.js';

/**
 * The million is a scale test of the file's path (one request, two hundred transactions), which the
 * partitioned pass of `npm test` does not change: there the file is a tenth of it — still twenty
 * transactions, each looking its numbers up across every partition — so CI stays inside its time.
 */
const ROWS = Number(process.env.CLOSURE_ROWS ?? (process.env.OPENIYS_TEST_PARTITIONED ? 100_000 : 1_000_000));
const phone = (n: number) => `+90555${String(n).padStart(7, '0')}`;
/** Numbers with an ONAY: the first, one in the middle and the last of the file. */
const HELD = [0, ROWS / 2, ROWS - 1].map(phone);

let t: TestSystem;
let token: string;
let operator: { token: string };

before(async () => {
  t = await startTestSystem();
  const providerToken = await t.token();
  for (const recipient of HELD) await recordConsent(t, providerToken, { recipient, type: 'MESAJ' });
  operator = await t.system.gateway.addAccount('Ulusal Operatör', ['MESAJ', 'ARAMA'], { closesLines: true });
  token = providerToken;
});
after(() => t.close());

test('a million closures in one file: recorded, applied in batches, and the same file twice changes nothing', async () => {
  const day = formatWireDate(new Date()).slice(0, 10);
  const lines = ['recipient,closedAt'];
  for (let n = 0; n < ROWS; n++) lines.push(`${phone(n)},${day}`);
  const file = Buffer.from(lines.join('\n'));
  const send = () =>
    t.app.inject({
      method: 'POST',
      url: '/gateway/v1/line-closures/files',
      headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'text/csv' },
      payload: file,
    });
  const response = await send();
  assert.equal(response.statusCode, 202, response.body);
  const receipt = response.json();
  assert.deepEqual([receipt.received, receipt.new, receipt.failed], [ROWS, ROWS, 0]);

  let batch: { status: string; applied: number; consentsClosed: number } | undefined;
  for (let waited = 0; waited < 600; waited++) {
    batch = (
      await t.app.inject({
        url: `/gateway/v1/line-closures/${receipt.batchId}`,
        headers: { authorization: `Bearer ${operator.token}` },
      })
    ).json();
    if (batch!.status === 'completed') break;
    await sleep(500);
  }
  assert.deepEqual([batch!.status, batch!.applied, batch!.consentsClosed], ['completed', ROWS, HELD.length]);
  for (const recipient of HELD) {
    const held = await t.app.inject({
      method: 'POST',
      url: `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/status`,
      headers: { authorization: `Bearer ${token}` },
      payload: { recipient, recipientType: 'BIREYSEL', type: 'MESAJ' },
    });
    assert.deepEqual([held.json().status, held.json().source], ['RET', 'IYS_AHS_HAT_KAPATMA']);
  }

  const again = (await send()).json();
  assert.deepEqual([again.batchId, again.new, again.repeated], [receipt.batchId, 0, true]);
  const { count } = await t.system.database.db
    .selectFrom('line_closures')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(count), ROWS);
});
