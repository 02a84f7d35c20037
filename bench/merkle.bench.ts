/**
 * `npm run bench -- merkle`: the transparency log's sequencer's own Node work alone — appending batches of
 * 10,000 leaf hashes to the tree (appendLeaves: every completed subtree, as the sequencer stores them) and
 * keeping its right edge — without a database. Prints this process's CPU per leaf, median and least of
 * the rounds (a busy neighbour only ever adds time).
 */
import { randomBytes } from 'node:crypto';
import { appendLeaves, keepRightEdge } from '../src/crypto/merkle-ranges.js';
import { ownCpuMicros } from './cpu.js';
import { medianAndLeast } from './stats.js';

const BATCH = 10_000;
const BATCHES_PER_ROUND = 10;
const ROUNDS = 20;

export async function benchMerkle(): Promise<void> {
  const leaves = Array.from({ length: BATCH }, () => randomBytes(32));
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    let known = new Map<string, Buffer>();
    let size = 0;
    const used = await ownCpuMicros(() => {
      for (let batch = 0; batch < BATCHES_PER_ROUND; batch++) {
        appendLeaves(known, size, leaves);
        size += BATCH;
        known = keepRightEdge(known, size);
      }
    });
    if (round >= 2) rounds.push(used / size); // 2 rounds warm the JIT
  }
  console.log(`merkle: ${ROUNDS} rounds of ${BATCHES_PER_ROUND} batches of ${BATCH} leaves, CPU per leaf`);
  console.log(`  appendLeaves: ${medianAndLeast(rounds, 2)} µs`);
}
