import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { merkleRoot, rootFromAuditPath } from '../../../crypto/merkle.js';
import { verifyConsistency } from '../../../crypto/log-verify.js';
import { verifyReceipt, type PublicJwk } from '../../../crypto/receipt-signer.js';
import { recordConsent, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;
let phone = 0;

// No workers: the sequencer runs only when a test calls integrate(), so every size below is exact.
before(async () => {
  t = await startTestSystem({ workers: false });
  token = await t.token();
});
after(() => t.close());

const get = async (url: string) => {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
};
const record = async (count: number) => {
  for (let i = 0; i < count; i++) {
    await recordConsent(t, token, { recipient: `+90537${String(phone++).padStart(7, '0')}`, type: 'MESAJ' });
  }
};
/** The events' leaf hashes in the order the sequencer reads them. */
const leafHashes = async () =>
  (
    await sql<{ leaf_hash: Buffer }>`SELECT leaf_hash FROM consent_events ORDER BY tx, id`.execute(
      t.system.database.db,
    )
  ).rows.map((r) => r.leaf_hash);

async function signedHead() {
  const { status, body } = await get('/log/v1/sth');
  assert.equal(status, 200, JSON.stringify(body));
  const { keys } = (await get('/log/v1/keys')).body as { keys: PublicJwk[] };
  const verified = verifyReceipt(body.jws, keys);
  assert.ok(verified.ok, 'the head is signed by a published key');
  assert.deepEqual(verified.payload, {
    treeSize: body.treeSize,
    timestamp: body.timestamp,
    rootHash: body.rootHash,
  });
  return body as { treeSize: number; rootHash: string };
}

test('no head before the sequencer first runs; then the signed empty tree', async () => {
  const early = await get('/log/v1/sth');
  assert.equal(early.status, 503);
  assert.equal(early.body.errors[0].code, 'H972');
  assert.equal(await t.system.transparencyLog.integrate(), 0);
  const head = await signedHead();
  assert.equal(head.treeSize, 0);
  assert.equal(head.rootHash, createHash('sha256').digest('hex'));
});

test('every consent movement becomes a leaf, in order; heads, inclusion and consistency proofs verify', async () => {
  await record(5);
  assert.equal(await t.system.transparencyLog.integrate(), 5);
  const first = await signedHead();
  const leaves = await leafHashes();
  assert.equal(first.treeSize, 5);
  assert.equal(first.rootHash, merkleRoot(leaves).toString('hex'));

  await record(6);
  assert.equal(await t.system.transparencyLog.integrate(), 6);
  const second = await signedHead();
  const all = await leafHashes();
  assert.equal(second.rootHash, merkleRoot(all).toString('hex'));

  for (const [index, leaf] of all.entries()) {
    const { status, body } = await get(
      `/log/v1/proof/inclusion?leafHash=${leaf.toString('hex')}&treeSize=11`,
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.leafIndex, index);
    const path = (body.auditPath as string[]).map((h) => Buffer.from(h, 'hex'));
    assert.equal(rootFromAuditPath(leaf, index, 11, path)?.toString('hex'), second.rootHash);
  }

  const { body } = await get('/log/v1/proof/consistency?first=5&second=11');
  assert.ok(await verifyConsistency(first, second, body.consistency as string[]));

  const entries = await get('/log/v1/entries?start=3&end=100');
  assert.deepEqual(
    entries.body.entries,
    all.slice(3).map((hash, i) => ({ leafIndex: i + 3, leafHash: hash.toString('hex') })),
  );
});

test('what is not in the log, or not a question it can answer, gets its İYS error', async () => {
  const leaf = (await leafHashes())[0]!.toString('hex');
  const cases: Array<[string, number, string]> = [
    [`/log/v1/proof/inclusion?leafHash=${'ab'.repeat(32)}&treeSize=11`, 404, 'H985'],
    [`/log/v1/proof/inclusion?leafHash=${(await leafHashes())[10]!.toString('hex')}&treeSize=5`, 404, 'H985'],
    [`/log/v1/proof/inclusion?leafHash=${leaf}&treeSize=12`, 400, 'H986'],
    [`/log/v1/proof/consistency?first=6&second=5`, 400, 'H986'],
    [`/log/v1/proof/consistency?first=5&second=999`, 400, 'H986'],
    [`/log/v1/entries?start=0&end=1001`, 400, 'H987'],
    [`/log/v1/entries?start=4&end=4`, 400, 'H987'],
  ];
  for (const [url, status, code] of cases) {
    const response = await get(url);
    assert.equal(response.status, status, url);
    assert.equal(response.body.errors[0].code, code, url);
  }
  for (const url of [
    '/log/v1/proof/inclusion?leafHash=xyz&treeSize=1',
    '/log/v1/proof/inclusion?treeSize=1',
    '/log/v1/proof/consistency?first=-1&second=2',
    '/log/v1/entries?start=a&end=2',
  ]) {
    const response = await get(url);
    assert.equal(response.status, 400, url);
    assert.equal(response.body.errors[0].code, 'H988', url);
  }
});

test('the log tables are append-only for everyone, the owner included', async () => {
  await assert.rejects(sql`UPDATE log_leaves SET leaf_hash = leaf_hash`.execute(t.system.database.db));
  await assert.rejects(sql`DELETE FROM log_heads`.execute(t.system.database.db));
});
