import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkOf, stepThrottle, type ThrottleRule, type ThrottleState } from './throttle.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

function run(rule: ThrottleRule, seconds: number[]): (number | 'ok')[] {
  let state: ThrottleState | undefined;
  return seconds.map((s) => {
    const step = stepThrottle(rule, state, at(s));
    if (!step.allowed) return step.waitMs;
    state = step.next;
    return 'ok';
  });
}

describe('stepThrottle', () => {
  it('allows `limit` events per window and says when the window ends', () => {
    const rule: ThrottleRule = { kind: 'window', key: 'k', limit: 2, windowMs: 60_000 };
    assert.deepEqual(run(rule, [0, 10, 20, 59, 60]), ['ok', 'ok', 40_000, 1_000, 'ok']);
  });

  it('counts a weighted event whole: refused when it would cross the limit, unless it opens the window', () => {
    const rule: ThrottleRule = { kind: 'window', key: 'k', limit: 100, windowMs: 60_000 };
    const first = stepThrottle(rule, undefined, at(0), 150);
    assert.ok(first.allowed, 'one oversized request opens the window');
    const fresh = stepThrottle(rule, undefined, at(0), 60);
    assert.ok(fresh.allowed);
    assert.deepEqual(stepThrottle(rule, fresh.next, at(30), 41), { allowed: false, waitMs: 30_000 });
    const fits = stepThrottle(rule, fresh.next, at(30), 40);
    assert.ok(fits.allowed && fits.next.hits === 100);
  });

  it('lets free failures pass, then doubles the wait up to the cap, and refusals do not count', () => {
    const rule: ThrottleRule = {
      kind: 'backoff',
      key: 'k',
      free: 3,
      baseMs: 1000,
      capMs: 4000,
      forgetMs: 3600_000,
    };
    // Failures 1–2 pass freely; the 3rd passes and blocks 1 s; a refused try (3.5) changes nothing.
    assert.deepEqual(run(rule, [0, 0, 0, 0.5, 1, 1.5, 3, 7, 11]), [
      'ok',
      'ok',
      'ok',
      500,
      'ok',
      1500,
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('forgets failures after a quiet period', () => {
    const rule: ThrottleRule = {
      kind: 'backoff',
      key: 'k',
      free: 1,
      baseMs: 1000,
      capMs: 1000,
      forgetMs: 10_000,
    };
    assert.deepEqual(run(rule, [0, 0.5, 20, 20.5]), ['ok', 500, 'ok', 500]);
  });
});

describe('networkOf', () => {
  it('groups IPv4 by /24 and IPv6 by /48, mapped addresses as IPv4', () => {
    assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
    assert.equal(networkOf('::ffff:203.0.113.9'), '203.0.113.0/24');
    assert.equal(networkOf('2001:db8:abcd:12::1'), '2001:db8:abcd::/48');
    assert.equal(networkOf('2001:db8::1'), '2001:db8:0::/48');
    assert.equal(networkOf('::1'), '0:0:0::/48');
  });
});
