import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWindowLimiter } from './rate-limit.js';

test('a fixed window counts per key and resets with the next window', () => {
  const limiter = createWindowLimiter(2, 60_000);
  const t0 = 1_000_000 * 60_000 + 15_000; // 15 s into a window
  assert.equal(limiter.hit('a', t0), 0);
  assert.equal(limiter.hit('a', t0), 0);
  assert.equal(limiter.hit('a', t0), 45); // wait until the window ends
  assert.equal(limiter.hit('b', t0), 0);
  assert.equal(limiter.hit('a', t0 + 45_000), 0);
});
