import { IysRequestError } from '../../domain/iys-errors.js';
import {
  retryAfterSeconds,
  stepThrottle,
  type ThrottleRule,
  type ThrottleState,
} from '../../domain/throttle.js';

/** What a check request looked like, for telling a sender's list from a walk through a number range. */
export interface RequestShape {
  /** Well-formed recipients in the request. */
  recipients: number;
  /** Of those, how many the registry holds no record of, for this brand and channel. */
  unknown: number;
  /** Of adjacent numbers (sorted), how many lie within RANGE_GAP of each other. */
  denseShare: number;
}

/** Below this many recipients a request tells nothing either way. */
const MIN_SHAPED = 50;
/** Numbers this close are "in a range": a real list of customers spreads over the whole numbering plan. */
const RANGE_GAP = 16;

/** Share of sorted adjacent phone numbers no more than RANGE_GAP apart (0 for e-mail addresses). */
export function denseShareOf(addresses: readonly string[]): number {
  const numbers = addresses
    .filter((a) => a.startsWith('+'))
    .map((a) => Number(a.slice(1)))
    .sort((a, b) => a - b);
  if (numbers.length < 2) return 0;
  let dense = 0;
  for (let i = 1; i < numbers.length; i++) if (numbers[i]! - numbers[i - 1]! <= RANGE_GAP) dense++;
  return dense / (numbers.length - 1);
}

/**
 * A request looks like a scan when it walks a number range (half its neighbours within a few numbers of
 * each other), or asks mostly about people the registry has never heard of for that brand (a blind sweep:
 * a sender's list is mostly people the brand has records for, since it may message no one else).
 */
export const looksLikeScan = (shape: RequestShape): boolean =>
  shape.recipients >= MIN_SHAPED && (shape.denseShare >= 0.5 || shape.unknown / shape.recipients >= 0.9);

export interface GatewayLimits {
  gatewayRequestsPerSecond: number;
  gatewayRecipientsPerMinute: number;
  /** Recipients in scan-like requests an account may ask about per hour before those requests are refused. */
  gatewayScanRecipientsPerHour: number;
}

/**
 * Per-account quotas of the gateway, counted in this process's memory (the hot path cannot wait for a
 * shared counter; behind a load balancer each process counts for itself). `admit` runs before a check;
 * `judge` after it, with the request's shape: over the hour's scan allowance, a scan-like request gets no
 * answer (H983), and the first refusal of the hour is reported so that the regulator sees it.
 */
export function createGatewayGuard(limits: GatewayLimits, clock: () => Date) {
  const states = new Map<string, ThrottleState>();
  const take = (rule: ThrottleRule, weight = 1): number => {
    const step = stepThrottle(rule, states.get(rule.key), clock(), weight);
    if (!step.allowed) return step.waitMs;
    states.set(rule.key, step.next);
    return 0;
  };
  // A bounded map: idle entries go once it grows (one per active account and rule).
  const prune = () => {
    if (states.size < 50_000) return;
    const now = clock().getTime();
    for (const [key, state] of states) if (now - state.since.getTime() > 3600_000) states.delete(key);
  };

  return {
    admit(accountId: number, recipients: number): void {
      prune();
      const perSecond = take({
        kind: 'window',
        key: `rps:${accountId}`,
        limit: limits.gatewayRequestsPerSecond,
        windowMs: 1000,
      });
      if (perSecond > 0) throw IysRequestError.wait('H124', retryAfterSeconds(perSecond));
      const volume = take(
        {
          kind: 'window',
          key: `rpm:${accountId}`,
          limit: limits.gatewayRecipientsPerMinute,
          windowMs: 60_000,
        },
        recipients,
      );
      if (volume > 0) throw IysRequestError.wait('H982', retryAfterSeconds(volume));
    },

    /**
     * After a check, with the request's shape: `refused` when the answer must not be given (a scan-like
     * request past the hour's allowance), `report` on the first refusal of that hour (raise an alert).
     */
    judge(accountId: number, shape: RequestShape): { refused?: IysRequestError; report: boolean } {
      if (!looksLikeScan(shape)) return { report: false };
      const key = `scan:${accountId}`;
      const limit = limits.gatewayScanRecipientsPerHour;
      const wasOver = (states.get(key)?.hits ?? 0) > limit;
      const waitMs = take({ kind: 'window', key, limit, windowMs: 3600_000 }, shape.recipients);
      if (waitMs === 0) return { report: false };
      // Marked as over the allowance, so that only the first refusal of the hour is reported.
      states.set(key, { ...states.get(key)!, hits: limit + 1 });
      return { refused: IysRequestError.wait('H983', retryAfterSeconds(waitMs)), report: !wasOver };
    },
  };
}
