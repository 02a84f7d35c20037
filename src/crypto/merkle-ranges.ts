import { emptyRoot, nodeHash, splitPoint } from './merkle.js';

/*
 * RFC 9162 §2.1 proofs over a stored log. The log keeps the hash of every complete subtree — level L, index
 * i covers leaves [i·2^L, (i+1)·2^L), level 0 being the leaves — which never changes once its last leaf is
 * in. Any range the RFC's algorithms hash is a complete subtree, or (on the tree's right edge) a few of them
 * joined, so a proof needs O(log n) stored hashes. Each algorithm here runs twice: once with a recorder to
 * learn which subtrees it needs (fetched in one query), then with them.
 */

/** A complete subtree: `level` 0 is a leaf. */
export interface Subtree {
  level: number;
  index: number;
}

/** Looks a complete subtree's hash up (from the batch fetched for this proof). */
export type SubtreeHash = (subtree: Subtree) => Buffer;

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** MTH(D[start:end]) for a range the RFC's recursion produces (start is a multiple of the split). */
export function rangeHash(start: number, end: number, hashOf: SubtreeHash): Buffer {
  const size = end - start;
  if (size === 0) return emptyRoot();
  if (isPowerOfTwo(size) && start % size === 0)
    return hashOf({ level: Math.log2(size), index: start / size });
  const k = splitPoint(size);
  return nodeHash(rangeHash(start, start + k, hashOf), rangeHash(start + k, end, hashOf));
}

/** PATH(m, D[start:end]) (RFC 9162 §2.1.3.1), m relative to start. */
export function inclusionPath(m: number, start: number, end: number, hashOf: SubtreeHash): Buffer[] {
  const size = end - start;
  if (size <= 1) return [];
  const k = splitPoint(size);
  return m < k
    ? [...inclusionPath(m, start, start + k, hashOf), rangeHash(start + k, end, hashOf)]
    : [...inclusionPath(m - k, start + k, end, hashOf), rangeHash(start, start + k, hashOf)];
}

/** PROOF(m, D[n]) (RFC 9162 §2.1.4.1): that the tree of size m is a prefix of the tree of size n. */
export function consistencyProof(m: number, n: number, hashOf: SubtreeHash): Buffer[] {
  if (m <= 0 || m >= n) return [];
  return subproof(m, 0, n, true, hashOf);
}

function subproof(m: number, start: number, end: number, complete: boolean, hashOf: SubtreeHash): Buffer[] {
  const size = end - start;
  if (m === size) return complete ? [] : [rangeHash(start, end, hashOf)];
  const k = splitPoint(size);
  return m <= k
    ? [...subproof(m, start, start + k, complete, hashOf), rangeHash(start + k, end, hashOf)]
    : [...subproof(m - k, start + k, end, false, hashOf), rangeHash(start, start + k, hashOf)];
}

/**
 * Runs `compute` once to record the subtrees it reads, fetches them with `fetch` (one round trip), and runs
 * it again with their hashes. A subtree the store does not hold fails the second run.
 */
export async function withSubtrees<T>(
  compute: (hashOf: SubtreeHash) => T,
  fetch: (subtrees: Subtree[]) => Promise<Map<string, Buffer>>,
): Promise<T> {
  const needed = new Map<string, Subtree>();
  const placeholder = Buffer.alloc(32);
  compute((subtree) => {
    needed.set(subtreeKey(subtree), subtree);
    return placeholder;
  });
  const hashes = await fetch([...needed.values()]);
  return compute((subtree) => {
    const hash = hashes.get(subtreeKey(subtree));
    if (!hash) throw new Error(`subtree ${subtree.level}/${subtree.index} is not stored`);
    return hash;
  });
}

export const subtreeKey = ({ level, index }: Subtree) => `${level}/${index}`;

/** The complete subtrees a tree of `size` leaves ends with: one per bit of size, largest first. */
export function rightEdge(size: number): Subtree[] {
  const edge: Subtree[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    if (size - start >= 2 ** level) {
      edge.push({ level, index: start / 2 ** level });
      start += 2 ** level;
    }
  }
  return edge;
}

/** The root of the tree of `size` leaves whose right edge (at least) `known` holds. */
export function rootOf(known: ReadonlyMap<string, Buffer>, size: number): Buffer {
  return rangeHash(0, size, (subtree) => known.get(subtreeKey(subtree))!);
}

/** `known` cut down to the right edge of the tree of `size` leaves: all that appending to it needs. */
export function keepRightEdge(known: ReadonlyMap<string, Buffer>, size: number): Map<string, Buffer> {
  return new Map(rightEdge(size).map((subtree) => [subtreeKey(subtree), known.get(subtreeKey(subtree))!]));
}

/**
 * Appends `leaves` to a tree of `size` leaves: adds each leaf and every subtree it completes to `known`
 * (which must hold the tree's right edge, see rightEdge) and returns the completed subtrees (level ≥ 1),
 * bottom-up — what a sequencer stores.
 */
export function appendLeaves(
  known: Map<string, Buffer>,
  size: number,
  leaves: readonly Buffer[],
): Array<Subtree & { hash: Buffer }> {
  const completed: Array<Subtree & { hash: Buffer }> = [];
  leaves.forEach((leaf, n) => {
    known.set(subtreeKey({ level: 0, index: size + n }), leaf);
    for (let level = 1; (size + n + 1) % 2 ** level === 0; level++) {
      const index = (size + n + 1) / 2 ** level - 1;
      const left = known.get(subtreeKey({ level: level - 1, index: 2 * index }))!;
      const right = known.get(subtreeKey({ level: level - 1, index: 2 * index + 1 }))!;
      const hash = nodeHash(left, right);
      known.set(subtreeKey({ level, index }), hash);
      completed.push({ level, index, hash });
    }
  });
  return completed;
}
