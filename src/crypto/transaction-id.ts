import { createRandomPool } from './random-pool.js';

const random = createRandomPool();

/** İYS transaction ids are 64 hex characters: 256 random bits, unique by construction. */
export function newTransactionId(): string {
  return random(32).toString('hex');
}
