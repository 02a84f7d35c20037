import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { auditPath, leafHash, merkleRoot, rootFromAuditPath } from './merkle.js';
import {
  consistencyProof,
  inclusionPath,
  rangeHash,
  subtreeKey,
  subtreesCompletedBy,
  verifyConsistency,
  withSubtrees,
  type Subtree,
} from './merkle-ranges.js';

const leaves = Array.from({ length: 70 }, (_, i) => leafHash(`event ${i}`));

/** What a sequencer stores for the first n leaves: every complete subtree, built as it appends. */
function storeOf(n: number): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    store.set(subtreeKey({ level: 0, index: i }), leaves[i]!);
    for (const { level, index } of subtreesCompletedBy(i)) {
      const left = store.get(subtreeKey({ level: level - 1, index: 2 * index }))!;
      const right = store.get(subtreeKey({ level: level - 1, index: 2 * index + 1 }))!;
      store.set(subtreeKey({ level, index }), merkleRoot([left, right]));
    }
  }
  return store;
}

const lookup = (store: Map<string, Buffer>) => (subtree: Subtree) => {
  const hash = store.get(subtreeKey(subtree));
  if (!hash) throw new Error(`missing ${subtreeKey(subtree)}`);
  return hash;
};

test('roots and inclusion paths from stored subtrees equal RFC 9162 over the leaves, for every size and leaf', () => {
  for (let n = 0; n <= leaves.length; n++) {
    const hashOf = lookup(storeOf(n));
    assert.deepEqual(rangeHash(0, n, hashOf), merkleRoot(leaves.slice(0, n)), `root of ${n}`);
    for (let m = 0; m < n; m++) {
      const path = inclusionPath(m, 0, n, hashOf);
      assert.deepEqual(path, auditPath(leaves.slice(0, n), m), `path of ${m} in ${n}`);
      assert.deepEqual(rootFromAuditPath(leaves[m]!, m, n, path), merkleRoot(leaves.slice(0, n)));
    }
  }
  assert.equal(rangeHash(0, 0, lookup(new Map())).toString('hex'), createHash('sha256').digest('hex'));
});

test('consistency proofs verify between every two sizes, and fail when anything is changed', () => {
  for (let n = 1; n <= 40; n++) {
    const hashOf = lookup(storeOf(n));
    const second = merkleRoot(leaves.slice(0, n));
    for (let m = 1; m <= n; m++) {
      const first = merkleRoot(leaves.slice(0, m));
      const proof = consistencyProof(m, n, hashOf);
      assert.ok(verifyConsistency(m, n, first, second, proof), `${m} → ${n}`);
      if (m === n) continue;
      assert.equal(verifyConsistency(m, n, leafHash('other'), second, proof), false, 'another first root');
      assert.equal(verifyConsistency(m, n, first, leafHash('other'), proof), false, 'another second root');
      const bent = proof.map((hash, i) => (i === 0 ? leafHash('forged') : hash));
      assert.equal(verifyConsistency(m, n, first, second, bent), false, 'a changed proof');
    }
  }
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
