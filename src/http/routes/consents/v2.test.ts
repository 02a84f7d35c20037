import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO, recentWireDate, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;
const v1 = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`;
const v2 = `/v2${v1}`;

before(async () => {
  t = await startTestSystem();
  token = await t.token();
});
after(() => t.close());

const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const consent = (recipient: string) => ({
  recipient,
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_WEB',
  consentDate: recentWireDate(),
});

async function finished(url: string) {
  for (let tries = 0; tries < 200; tries++) {
    const items = (await call('GET', url)).json();
    if (items.every((i: { status: string }) => i.status !== 'enqueue')) return items;
    await sleep(50);
  }
  assert.fail('the request was not applied');
}

test('v2 adds one consent with the same rules and answer as v1', async () => {
  const added = await call('POST', v2, consent('+905558880001'));
  assert.equal(added.statusCode, 200, added.body);
  assert.match(added.json().transactionId, /^[0-9a-f]{64}$/);
  const status = await call('POST', `${v1}/status`, {
    recipient: '+905558880001',
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  assert.equal(status.json().transactionId, added.json().transactionId);
  const repeated = await call('POST', v2, consent('+905558880001'));
  assert.equal(repeated.json().errors[0].code, 'H174');
});

test('a v2 bulk request’s result speaks v2 (subRequestId, isAddConsentV2Service); v1 reads it as v1', async () => {
  const accepted = await call('POST', `${v2}/request`, [
    consent('+905558880002'),
    { ...consent('+905558880005'), status: 'RET' },
  ]);
  assert.equal(accepted.statusCode, 200, accepted.body);
  const { requestId } = accepted.json();
  const items = await finished(`${v2}/request/${requestId}`);
  assert.deepEqual(
    items.map((i: Record<string, unknown>) => [
      i.index,
      i.status,
      i.isAddConsentV2Service,
      typeof i.subRequestId,
    ]),
    [
      [1, 'success', true, 'string'],
      [2, 'failure', true, 'string'],
    ],
  );
  assert.equal(items[0].subrequestId, undefined, 'v2 spells it subRequestId');
  assert.equal(items[1].error.code, 'H175', 'a first record cannot be a RET');
  assert.equal(items[0].subRequestId, accepted.json().subRequests[0].subrequestId);

  const asV1 = (await call('GET', `${v1}/request/${requestId}`)).json();
  assert.equal(asV1[0].subrequestId, items[0].subRequestId);
  assert.equal(asV1[0].isAddConsentV2Service, undefined);
  // The exact fields of each kind of item, in order: a success carries its transaction and moment, a
  // failure only its error.
  assert.deepEqual(Object.keys(asV1[0]), [
    'index',
    'status',
    'subrequestId',
    'requestId',
    'transactionId',
    'creationDate',
  ]);
  assert.match(asV1[0].creationDate, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.deepEqual(Object.keys(asV1[1]), ['index', 'status', 'subrequestId', 'requestId', 'error']);
  assert.deepEqual(Object.keys(items[1]), [
    'index',
    'status',
    'subRequestId',
    'requestId',
    'isAddConsentV2Service',
    'error',
  ]);

  // A request sent through v1 is not one of v2's.
  const plain = (await call('POST', `${v1}/request`, [consent('+905558880003')])).json();
  const read = await finished(`${v2}/request/${plain.requestId}`);
  assert.equal(read[0].isAddConsentV2Service, false);
  assert.equal((await call('GET', `${v2}/request/not-a-request`)).json().errors[0].code, 'H093');
});

test('v2 paths keep the tenancy of v1: another company’s brand is refused', async () => {
  const other = await t.app.inject({
    method: 'POST',
    url: `/v2/sps/700002/brands/700020/consents`,
    headers: { authorization: `Bearer ${token}` },
    payload: consent('+905558880004'),
  });
  assert.equal(other.statusCode, 403, other.body);
});
