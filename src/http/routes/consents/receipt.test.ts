import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { verifyLogReceipt, type LogKey } from '../../../crypto/log-verify.js';
import { auditTransparencyLog } from '../../../services/log-audit.js';
import {
  DEMO,
  OTHER,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;

// No workers: the sequencer runs only when a test calls integrate(), so "not yet in a head" is observable.
before(async () => {
  t = await startTestSystem({ workers: false });
  token = await t.token();
});
after(() => t.close());

const receiptUrl = (transactionId: string, brandCode = DEMO.brandCode) =>
  `/sps/${DEMO.iysCode}/brands/${brandCode}/consents/receipt/${transactionId}`;

async function getReceipt(transactionId: string, options: { brandCode?: number; bearer?: string } = {}) {
  const response = await t.app.inject({
    method: 'GET',
    url: receiptUrl(transactionId, options.brandCode),
    headers: { authorization: `Bearer ${options.bearer ?? token}` },
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

async function record(recipient: string, brandCode = DEMO.brandCode): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/sps/${DEMO.iysCode}/brands/${brandCode}/consents`,
    headers: { authorization: `Bearer ${token}` },
    payload: {
      recipient,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate: recentWireDate(),
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().transactionId;
}

const publishedKeys = async (): Promise<LogKey[]> =>
  (await t.app.inject({ method: 'GET', url: '/log/v1/keys' })).json().keys;

test('a provider gets 202 until a signed head holds its consent, then a receipt anyone can verify', async () => {
  await t.system.transparencyLog.integrate();
  const transactionId = await record('+905370000101');
  const early = await getReceipt(transactionId);
  assert.equal(early.status, 202);
  assert.equal(early.headers['retry-after'], '1');

  assert.equal(await t.system.transparencyLog.integrate(), 1);
  await record('+905370000102');
  await t.system.transparencyLog.integrate();
  const { status, body } = await getReceipt(transactionId);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.transactionId, transactionId);
  assert.equal(body.canonical.includes('5370000101'), false, 'no plaintext address in the canonical form');
  const verdict = await verifyLogReceipt(body, await publishedKeys());
  assert.ok(verdict.ok, JSON.stringify(verdict.checks));

  // The receipt is made against the first head that holds the event, so asking again gives the same one.
  const { rows } = await sql<{ tree_size: string }>`
    SELECT min(tree_size)::text AS tree_size FROM log_heads WHERE tree_size > ${body.leafIndex}`.execute(
    t.system.database.db,
  );
  assert.equal(body.treeSize, Number(rows[0]!.tree_size));
  assert.deepEqual((await getReceipt(transactionId)).body, body);
});

test('a receipt is the brand’s own: another brand, another company, a malformed or unknown id get 404', async () => {
  const transactionId = await record('+905370000103');
  await t.system.transparencyLog.integrate();
  const otherToken = await t.token(OTHER.username, OTHER.password);

  const cases: Array<[string, { brandCode?: number; bearer?: string }, number]> = [
    [transactionId, { brandCode: DEMO.secondBrandCode }, 404],
    ['0'.repeat(64), {}, 404],
    ['not-a-transaction-id', {}, 404],
    [transactionId.toUpperCase(), {}, 404],
  ];
  for (const [id, options, expected] of cases) {
    const { status, body } = await getReceipt(id, options);
    assert.equal(status, expected, id);
    assert.equal(body.errors[0].code, 'H989', id);
  }
  const foreign = await getReceipt(transactionId, { bearer: otherToken });
  assert.ok(foreign.status === 403 || foreign.status === 404, `another company: ${foreign.status}`);
  assert.equal(typeof foreign.body.errors[0].code, 'string');
  assert.equal(foreign.body.canonical, undefined);
});

test('a key rotation signs new heads with the new key and keeps the old one published', async () => {
  const before = await record('+905370000104');
  await t.system.transparencyLog.integrate();
  const oldReceipt = (await getReceipt(before)).body;

  const rotated = await t.system.transparencyLog.rotateKey();
  assert.equal(rotated.version, 2);
  const after = await record('+905370000105');
  await t.system.transparencyLog.integrate();
  const newReceipt = (await getReceipt(after)).body;

  const keys = await publishedKeys();
  assert.deepEqual(
    keys.map((k) => k.kid),
    [rotated.jwk.kid, JSON.parse(Buffer.from(oldReceipt.sth.jws.split('.')[0], 'base64url').toString()).kid],
  );
  const kidOf = (receipt: { sth: { jws: string } }) =>
    JSON.parse(Buffer.from(receipt.sth.jws.split('.')[0]!, 'base64url').toString()).kid;
  assert.equal(kidOf(newReceipt), rotated.jwk.kid);
  assert.notEqual(kidOf(oldReceipt), rotated.jwk.kid);
  for (const receipt of [oldReceipt, newReceipt]) {
    assert.ok((await verifyLogReceipt(receipt, keys)).ok, 'both verify against the published keys');
  }
  const audit = await auditTransparencyLog(t.system.database.db, t.system.transparencyLog.derivedKey);
  assert.deepEqual(audit.problems, []);
});
