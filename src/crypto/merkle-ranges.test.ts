import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  leafOf as leafHash,
  mth as merkleRoot,
  path as auditPathOf,
  proof as referenceProof,
} from '../../test/helpers/rfc9162.js';
import { verifyConsistency } from './log-verify.js';
import {
  consistencyProof,
  inclusionPath,
  rangeHash,
  subtreeKey,
  appendLeaves,
  keepRightEdge,
  rightEdge,
  rootOf,
  withSubtrees,
  type Subtree,
} from './merkle-ranges.js';

const leaves = Array.from({ length: 70 }, (_, i) => leafHash(`event ${i}`));

/** What a sequencer stores for the first n leaves, appended in uneven batches as it would. */
function storeOf(n: number): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  for (let size = 0, batch = 1; size < n; size += batch, batch = (batch % 5) + 1) {
    appendLeaves(store, size, leaves.slice(size, Math.min(n, size + batch)));
  }
  return store;
}

const lookup = (store: Map<string, Buffer>) => (subtree: Subtree) => {
  const hash = store.get(subtreeKey(subtree));
  if (!hash) throw new Error(`missing ${subtreeKey(subtree)}`);
  return hash;
};

const auditPath = (tree: Buffer[], m: number) => auditPathOf(m, tree);
const hex = (hash: Buffer) => hash.toString('hex');

test('roots and inclusion paths from stored subtrees equal the RFC 9162 reference, for every size and leaf', () => {
  for (let n = 0; n <= leaves.length; n++) {
    const hashOf = lookup(storeOf(n));
    assert.deepEqual(rangeHash(0, n, hashOf), merkleRoot(leaves.slice(0, n)), `root of ${n}`);
    for (let m = 0; m < n; m++) {
      assert.deepEqual(
        inclusionPath(m, 0, n, hashOf),
        auditPath(leaves.slice(0, n), m),
        `path of ${m} in ${n}`,
      );
    }
  }
  assert.equal(rangeHash(0, 0, lookup(new Map())).toString('hex'), createHash('sha256').digest('hex'));
});

test('consistency proofs equal the RFC 9162 reference between every two sizes, and verify', async () => {
  for (let n = 1; n <= 40; n++) {
    const hashOf = lookup(storeOf(n));
    const second = { treeSize: n, rootHash: hex(merkleRoot(leaves.slice(0, n))) };
    for (let m = 1; m <= n; m++) {
      const first = { treeSize: m, rootHash: hex(merkleRoot(leaves.slice(0, m))) };
      const proof = consistencyProof(m, n, hashOf);
      assert.deepEqual(proof, m === n ? [] : referenceProof(m, leaves.slice(0, n)), `${m} → ${n}`);
      assert.ok(await verifyConsistency(first, second, proof.map(hex)), `${m} → ${n} verifies`);
    }
  }
});

test('the right edge of a tree is its binary decomposition, and all a sequencer needs to append', () => {
  assert.deepEqual(rightEdge(0), []);
  assert.deepEqual(rightEdge(13), [
    { level: 3, index: 0 },
    { level: 2, index: 2 },
    { level: 0, index: 12 },
  ]);
  const edgeOnly = keepRightEdge(storeOf(13), 13);
  assert.deepEqual([...edgeOnly.keys()], ['3/0', '2/2', '0/12']);
  appendLeaves(edgeOnly, 13, leaves.slice(13, 20));
  assert.deepEqual(rootOf(edgeOnly, 20), merkleRoot(leaves.slice(0, 20)));
});

test('a proof reads O(log n) stored subtrees, fetched in one batch', async () => {
  const n = 70;
  const store = storeOf(n);
  let fetched: Subtree[] = [];
  const path = await withSubtrees(
    (hashOf) => inclusionPath(5, 0, n, hashOf),
    async (subtrees) => {
      fetched = subtrees;
      return new Map(subtrees.map((s) => [subtreeKey(s), store.get(subtreeKey(s))!]));
    },
  );
  assert.deepEqual(path, auditPath(leaves, 5));
  assert.ok(fetched.length <= 2 * Math.ceil(Math.log2(n)), `${fetched.length} subtrees for ${n} leaves`);
});
