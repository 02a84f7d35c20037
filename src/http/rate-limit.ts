/**
 * A fixed-window request counter per key (client address), in memory. Enough for one process; behind a
 * load balancer each process counts for itself, so the effective limit is N × the configured one.
 */
export interface WindowLimiter {
  /** Counts one request; returns the seconds to wait when the key is over its limit, else 0. */
  hit(key: string, now?: number): number;
}

/** Provider API requests per API user and second unless configured (İYS publishes no figure). */
export const DEFAULT_API_REQUESTS_PER_SECOND = 50;

export function createWindowLimiter(limit: number, windowMs: number): WindowLimiter {
  let windowStart = 0;
  let counts = new Map<string, number>();
  return {
    hit(key, now = Date.now()) {
      if (now - windowStart >= windowMs) {
        windowStart = now - (now % windowMs);
        counts = new Map();
      }
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return count > limit ? Math.ceil((windowStart + windowMs - now) / 1000) : 0;
    },
  };
}
