import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 written down literally, as the tests' independent reference: the recursive definitions of
 * MTH, PATH and PROOF/SUBPROOF over a list of leaf inputs, with no stored subtrees, no iteration tricks and
 * nothing shared with src/. Slow (it rehashes whole subtrees) and obviously right, which is the point.
 */

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** The largest power of two smaller than n (n > 1). */
function k(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

/** MTH(D[n]) over leaf *hashes* (the hash of each d(i) with the 0x00 prefix already taken). */
export function mth(leaves: Buffer[]): Buffer {
  const n = leaves.length;
  if (n === 0) return sha256();
  if (n === 1) return leaves[0]!;
  return sha256(Buffer.of(1), mth(leaves.slice(0, k(n))), mth(leaves.slice(k(n))));
}

/** HASH(0x00 || d): the leaf hash of one entry. */
export const leafOf = (entry: Buffer | string) => sha256(Buffer.of(0), Buffer.from(entry));

/** PATH(m, D[n]) (§2.1.3.1). */
export function path(m: number, leaves: Buffer[]): Buffer[] {
  const n = leaves.length;
  if (n === 1) return [];
  const split = k(n);
  return m < split
    ? [...path(m, leaves.slice(0, split)), mth(leaves.slice(split))]
    : [...path(m - split, leaves.slice(split)), mth(leaves.slice(0, split))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (§2.1.4.1). */
export function proof(m: number, leaves: Buffer[]): Buffer[] {
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [mth(leaves)];
  const split = k(n);
  return m <= split
    ? [...subproof(m, leaves.slice(0, split), b), mth(leaves.slice(split))]
    : [...subproof(m - split, leaves.slice(split), false), mth(leaves.slice(0, split))];
}
