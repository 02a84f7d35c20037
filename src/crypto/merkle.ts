import { hash } from 'node:crypto';
import { inclusionSides } from './log-verify.js';

/*
 * RFC 9162 (Certificate Transparency v2) §2.1 Merkle tree hashing: a leaf is SHA-256(0x00 ‖ data), an inner
 * node SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves splits at the largest power of two below n.
 * Anyone holding a leaf, its index, the tree size and the audit path can recompute the root.
 */

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

// One-shot hashes: a createHash object per hash cost ~1 µs more, paid per answer's receipt and per log leaf.
export function leafHash(data: Buffer | string): Buffer {
  return typeof data === 'string'
    ? hash('sha256', `\u0000${data}`, 'buffer') // a string is hashed as UTF-8, and NUL is the byte 0x00
    : hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** The root of the empty tree: SHA-256 of nothing. */
export function emptyRoot(): Buffer {
  return hash('sha256', '', 'buffer');
}

/** The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes; the empty tree's root is SHA-256 of nothing. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot();
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/**
 * PATH(m, D[n]) (RFC 9162 §2.1.3.1): the sibling hashes from leaf m up to the root. The specification's
 * recursion as written, O(n) hashes a path: the reference the faster forms (merkleTree, merkle-ranges.ts)
 * are tested against.
 */
export function auditPath(leaves: readonly Buffer[], m: number): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  return m < k
    ? [...auditPath(leaves.slice(0, k), m), merkleRoot(leaves.slice(k))]
    : [...auditPath(leaves.slice(k), m - k), merkleRoot(leaves.slice(0, k))];
}

/**
 * The root and every leaf's audit path at once: each inner node is hashed once (n − 1 in all), where
 * auditPath for every leaf would hash the tree again per leaf (~n² nodes, the cost of a busy gateway's
 * receipt batch of up to 128 answers).
 */
export function merkleTree(leaves: readonly Buffer[]): { root: Buffer; paths: Buffer[][] } {
  const paths = leaves.map((): Buffer[] => []);
  // The root of leaves [from, to), adding each side's root to the paths of the other side's leaves; the
  // halves are built first, so a path lists its siblings from the leaf up, as auditPath does.
  const build = (from: number, to: number): Buffer => {
    if (to - from === 1) return leaves[from]!;
    const middle = from + splitPoint(to - from);
    const left = build(from, middle);
    const right = build(middle, to);
    for (let i = from; i < middle; i++) paths[i]!.push(right);
    for (let i = middle; i < to; i++) paths[i]!.push(left);
    return nodeHash(left, right);
  };
  return { root: leaves.length === 0 ? emptyRoot() : build(0, leaves.length), paths };
}

/**
 * The root that a leaf hash, its index, the tree size and an audit path prove (RFC 9162 §2.1.3.2), or
 * undefined when the path cannot belong to a tree of that size.
 */
export function rootFromAuditPath(
  leaf: Buffer,
  leafIndex: number,
  treeSize: number,
  path: readonly Buffer[],
): Buffer | undefined {
  const sides = inclusionSides(leafIndex, treeSize, path.length);
  return sides && path.reduce((r, p, i) => (sides[i] ? nodeHash(p, r) : nodeHash(r, p)), leaf);
}
