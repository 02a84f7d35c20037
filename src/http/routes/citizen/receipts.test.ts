import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { verifyLogReceipt } from '../../../crypto/log-verify.js';
import { signIn, type SignedInCitizen } from '../../../../test/helpers/citizen.js';
import { recordConsent, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
let citizen: SignedInCitizen;
const phone = '+905554440001';

before(async () => {
  t = await startTestSystem();
  const token = await t.token();
  await recordConsent(t, token, { recipient: phone, type: 'MESAJ' });
  await recordConsent(t, token, { recipient: '+905554440002', type: 'MESAJ' });
  citizen = await signIn(t, phone);
});
after(() => t.close());

/** Asks until the sequencer (a worker here) has signed a head holding the movement. */
async function receiptOf(transactionId: string) {
  for (;;) {
    const response = await citizen.call('GET', `/api/citizen/receipts/${transactionId}`);
    if (response.statusCode !== 202) return response;
    assert.equal(response.headers['retry-after'], '1');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('every movement in the portal has a receipt and a consent record; a refusal is a withdrawal', async () => {
  const consents = async () => (await citizen.call('GET', '/api/citizen/consents')).json().consents;
  const [held] = await consents();
  const given = await receiptOf(held.transactionId);
  assert.equal(given.statusCode, 200, given.body);
  assert.equal(given.json().record.state, 'given');
  assert.equal(given.json().record.piiController.brandCode, held.brandCode);

  const change = await citizen.call('POST', '/api/citizen/consents/change', {
    addressId: held.addressId,
    brandCode: held.brandCode,
    recipientType: held.recipientType,
    type: held.type,
    status: 'RET',
  });
  assert.equal(change.statusCode, 204, change.body);
  const [refused] = await consents();
  assert.notEqual(refused.transactionId, held.transactionId, 'the refusal is a movement of its own');
  const withdrawal = await receiptOf(refused.transactionId);
  assert.equal(withdrawal.statusCode, 200, withdrawal.body);
  const { receipt, record } = withdrawal.json();
  assert.deepEqual(
    [record.status, record.state, record.source, record.recordedBy],
    ['RET', 'withdrawn', 'IYS_WEB', 'citizen'],
  );
  assert.equal(record.piiPrincipal.address, '+90 555 *** ** 01');
  const keys = (await t.app.inject({ method: 'GET', url: '/log/v1/keys' })).json().keys;
  assert.ok((await verifyLogReceipt(withdrawal.json(), keys)).ok);
  assert.equal(receipt.transactionId, refused.transactionId);
});

test("another person's movement, or a malformed id, is not found", async () => {
  const { rows } = await sql<{ transaction_id: string }>`
    SELECT transaction_id FROM consent_events
    WHERE recipient_key <> decode(${citizen.addressId}, 'hex')`.execute(t.system.database.db);
  for (const id of [rows[0]!.transaction_id, 'nope', 'f'.repeat(64)]) {
    const response = await citizen.call('GET', `/api/citizen/receipts/${id}`);
    assert.equal(response.statusCode, 404, id);
    assert.equal(response.json().errors[0].code, 'H989');
  }
  const anonymous = await t.app.inject({
    method: 'GET',
    url: `/api/citizen/receipts/${rows[0]!.transaction_id}`,
  });
  assert.equal(anonymous.statusCode, 401);
});
