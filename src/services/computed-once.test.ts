import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computedOncePer } from './computed-once.js';

test('callers within the period get the last value; after it, concurrent callers share one computation', async () => {
  let now = 0;
  let computations = 0;
  let release: () => void = () => {};
  const value = computedOncePer(
    1_000,
    async () => {
      computations++;
      await new Promise<void>((resolve) => (release = resolve));
      return computations;
    },
    () => new Date(now),
  );
  const first = Promise.all([value(), value(), value()]);
  release();
  assert.deepEqual(await first, [1, 1, 1]);
  now = 999;
  assert.equal(await value(), 1);
  now = 1_000;
  const second = Promise.all([value(), value()]);
  release();
  assert.deepEqual(await second, [2, 2]);
  assert.equal(computations, 2);
});

test('a failed computation is not kept: the next caller computes again', async () => {
  let calls = 0;
  const value = computedOncePer(
    60_000,
    async () => {
      if (++calls === 1) throw new Error('database away');
      return 'figures';
    },
    () => new Date(0),
  );
  await assert.rejects(value(), /database away/);
  assert.equal(await value(), 'figures');
  assert.equal(await value(), 'figures');
  assert.equal(calls, 2);
});
