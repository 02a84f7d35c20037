import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { leafOf, mth, path, proof } from '../../test/helpers/rfc9162.js';
import {
  leafHashOf,
  rootFromInclusion,
  verifyConsistency,
  verifyLogReceipt,
  type CheckName,
} from './log-verify.js';
import { ReceiptSigner } from './receipt-signer.js';

const hex = (hash: Buffer) => hash.toString('hex');
const canonicals = Array.from({ length: 23 }, (_, i) =>
  JSON.stringify(['openiys/consent-event/v1', `tx${i}`, i]),
);
const leaves = canonicals.map((c) => leafOf(c));

test('inclusion and consistency proofs from the RFC 9162 reference verify; changed ones do not', async () => {
  assert.equal(await leafHashOf(canonicals[3]!), hex(leaves[3]!));
  for (let n = 1; n <= leaves.length; n++) {
    const tree = leaves.slice(0, n);
    const root = hex(mth(tree));
    for (let m = 0; m < n; m++) {
      const auditPath = path(m, tree).map(hex);
      assert.equal(await rootFromInclusion(hex(leaves[m]!), m, n, auditPath), root, `leaf ${m} of ${n}`);
      if (auditPath.length > 0) {
        const bent = auditPath.map((h, i) => (i === auditPath.length - 1 ? hex(leafOf('forged')) : h));
        assert.notEqual(await rootFromInclusion(hex(leaves[m]!), m, n, bent), root);
      }
      assert.equal(
        await rootFromInclusion(hex(leaves[m]!), m, n, [...auditPath, root]),
        undefined,
        'too long',
      );
    }
    for (let m = 1; m < n; m++) {
      const first = { treeSize: m, rootHash: hex(mth(leaves.slice(0, m))) };
      const consistency = proof(m, tree).map(hex);
      assert.ok(await verifyConsistency(first, { treeSize: n, rootHash: root }, consistency), `${m} → ${n}`);
      const other = hex(leafOf('other'));
      assert.equal(
        await verifyConsistency({ ...first, rootHash: other }, { treeSize: n, rootHash: root }, consistency),
        false,
      );
      assert.equal(await verifyConsistency(first, { treeSize: n, rootHash: other }, consistency), false);
      assert.equal(
        await verifyConsistency(first, { treeSize: n, rootHash: root }, consistency.slice(1)),
        false,
      );
    }
  }
});

/** A receipt as the server hands it out, built here from the reference tree and a real Ed25519 key. */
function receiptOf(signer: ReceiptSigner, index: number, treeSize: number) {
  const head = { treeSize, timestamp: 1_767_225_600_000, rootHash: hex(mth(leaves.slice(0, treeSize))) };
  return {
    transactionId: `tx${index}`,
    canonical: canonicals[index]!,
    leafHash: hex(leaves[index]!),
    leafIndex: index,
    treeSize,
    auditPath: path(index, leaves.slice(0, treeSize)).map(hex),
    sth: { ...head, jws: signer.sign(head) },
  };
}

const failed = async (receipt: unknown, keys: ReceiptSigner[]): Promise<CheckName[]> =>
  (
    await verifyLogReceipt(
      receipt,
      keys.map((k) => k.publicJwk),
    )
  ).checks
    .filter((c) => !c.ok)
    .map((c) => c.name);

test('a receipt verifies offline, and each kind of forgery fails the check that names it', async () => {
  const signer = new ReceiptSigner(randomBytes(32));
  const receipt = receiptOf(signer, 9, 21);
  const verdict = await verifyLogReceipt(receipt, [signer.publicJwk]);
  assert.equal(verdict.ok, true, JSON.stringify(verdict));
  assert.deepEqual(await failed({ receipt, record: {} }, [signer]), [], "a citizen's download holds it");

  const edited = receipt.canonical.replace('tx9', 'tx8');
  assert.deepEqual(await failed({ ...receipt, canonical: edited }, [signer]), ['leaf', 'transaction']);
  assert.deepEqual(await failed({ ...receipt, transactionId: 'tx8' }, [signer]), ['transaction']);
  assert.deepEqual(await failed({ ...receipt, leafIndex: 8 }, [signer]), ['path']);
  assert.deepEqual(await failed({ ...receipt, auditPath: receipt.auditPath.slice(1) }, [signer]), ['path']);
  const otherRoot = { ...receipt.sth, rootHash: hex(mth(leaves.slice(0, 20))) };
  assert.deepEqual(await failed({ ...receipt, sth: otherRoot }, [signer]), ['path', 'signature']);
  assert.deepEqual(await failed(receipt, [new ReceiptSigner(randomBytes(32))]), ['signature'], 'unknown key');
  const impostor = new ReceiptSigner(randomBytes(32));
  const forgedHead = {
    ...receipt.sth,
    jws: impostor.sign({ treeSize: 21, timestamp: receipt.sth.timestamp, rootHash: receipt.sth.rootHash }),
  };
  assert.deepEqual(
    await failed({ ...receipt, sth: forgedHead }, [signer]),
    ['signature'],
    "another key's signature",
  );
  assert.deepEqual(await failed({ ...receipt, sth: { ...receipt.sth, timestamp: 1 } }, [signer]), [
    'signature',
  ]);
  assert.deepEqual(await failed({ nothing: true }, [signer]), ['shape']);
  assert.deepEqual(await failed(null, [signer]), ['shape']);
});
