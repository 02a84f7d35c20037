import { isIPv4, isIPv6 } from 'node:net';

/**
 * Abuse limits as pure rules over one counter per key. A *window* rule allows `limit` events per window
 * (SMS codes per client address, applications per day). A *backoff* rule lets `free` failures pass, then
 * makes each further attempt wait twice as long as the one before, up to `capMs`, and forgets the failures
 * after `forgetMs` without one — a slowdown for guessers, never a lock an outsider can hold shut.
 */
export type ThrottleRule =
  | { kind: 'window'; key: string; limit: number; windowMs: number }
  | { kind: 'backoff'; key: string; free: number; baseMs: number; capMs: number; forgetMs: number };

export interface ThrottleState {
  hits: number;
  /** When the current window began (window rules) or the last failure (backoff rules). */
  since: Date;
  blockedUntil: Date | null;
}

export type ThrottleStep = { allowed: true; next: ThrottleState } | { allowed: false; waitMs: number };

/**
 * One more event against a key — or, for a window rule, `weight` events at once (a request of many
 * recipients): allowed with the counter's next state, or refused with the wait. A weighted event is refused
 * when it would cross the limit, except as the first of its window (one oversized request is answered).
 */
export function stepThrottle(
  rule: ThrottleRule,
  state: ThrottleState | undefined,
  now: Date,
  weight = 1,
): ThrottleStep {
  const t = now.getTime();
  if (rule.kind === 'window') {
    const fresh = !state || t - state.since.getTime() >= rule.windowMs;
    const used = fresh ? 0 : state.hits;
    const since = fresh ? now : state.since;
    if (used > 0 && used + weight > rule.limit)
      return { allowed: false, waitMs: since.getTime() + rule.windowMs - t };
    return { allowed: true, next: { hits: used + weight, since, blockedUntil: null } };
  }
  if (state?.blockedUntil && state.blockedUntil.getTime() > t) {
    return { allowed: false, waitMs: state.blockedUntil.getTime() - t };
  }
  const forgotten = !state || t - state.since.getTime() >= rule.forgetMs;
  const hits = forgotten ? 1 : state.hits + 1;
  const over = hits - rule.free;
  const blockedUntil =
    over >= 0 ? new Date(t + Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(over, 30))) : null;
  return { allowed: true, next: { hits, since: now, blockedUntil } };
}

/** Whole seconds for a `Retry-After` header: never 0 while something is still refused. */
export const retryAfterSeconds = (waitMs: number): number => Math.max(1, Math.ceil(waitMs / 1000));

/**
 * The network a client address belongs to, for limits that a single host could dodge by rotating through
 * its neighbours: the /24 of an IPv4 address, the /48 of an IPv6 one (a typical customer allocation).
 */
export function networkOf(address: string): string {
  const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 3)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/48`;
}
