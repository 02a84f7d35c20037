import { IysRequestError } from '../domain/iys-errors.js';
import { networkOf, retryAfterSeconds, type ThrottleRule } from '../domain/throttle.js';
import type { ThrottleRepository } from '../repositories/throttle.repository.js';
import type { GatewayLimits } from './gateway/scan-guard.js';

/** The configurable abuse limits (SECURITY.md lists them with their reasons). */
export interface AbuseLimits extends GatewayLimits {
  /** Sign-in codes (SMS or e-mail) one client address may request per hour. */
  codesPerAddressPerHour: number;
  /** … and one network (/24 or /48) together: rotating through neighbouring addresses does not help. */
  codesPerNetworkPerHour: number;
  /** İYS Yolu codes one provider may have sent per hour. */
  codesPerProviderPerHour: number;
  /** Codes the whole registry sends per minute: the ceiling on SMS pumping, whoever asks. */
  codesPerMinute: number;
  /** Provider applications one client address may submit per day. */
  applicationsPerAddressPerDay: number;
  /** Storage all unconfirmed and pending applications may take together, in MB. */
  applicationStorageMb: number;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = Object.freeze({
  // Mobile operators put many customers behind one address (CGNAT): per-address limits stay generous,
  // the global one is what stops a pumping run.
  codesPerAddressPerHour: 20,
  codesPerNetworkPerHour: 100,
  codesPerProviderPerHour: 600,
  codesPerMinute: 600,
  applicationsPerAddressPerDay: 5,
  applicationStorageMb: 2048,
  // A gateway's peak is a few hundred requests of up to 10,000 numbers a minute; a scan looks different.
  gatewayRequestsPerSecond: 50,
  gatewayRecipientsPerMinute: 1_000_000,
  gatewayScanRecipientsPerHour: 20_000,
});

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Portal sign-in failures: per account *and* address (the guesser at the keyboard), per address (one host
 * trying many accounts), per account from addresses it never signed in from (a spread-out attack). Each is a
 * backoff that doubles per failure up to its cap; an account's own known addresses are never slowed by the
 * failures of strangers, so nobody can lock an admin out by typing wrong passwords at their e-mail.
 */
const signInRules = (account: string, address: string, knownAddress: boolean): ThrottleRule[] => [
  {
    kind: 'backoff',
    key: `signin:pair:${account}:${address}`,
    free: 5,
    baseMs: 1000,
    capMs: 15 * 60_000,
    forgetMs: DAY,
  },
  {
    kind: 'backoff',
    key: `signin:addr:${address}`,
    free: 30,
    baseMs: 1000,
    capMs: 15 * 60_000,
    forgetMs: DAY,
  },
  ...(knownAddress
    ? []
    : [
        {
          kind: 'backoff' as const,
          key: `signin:acct:${account}`,
          free: 20,
          baseMs: 1000,
          capMs: 5 * 60_000,
          forgetMs: DAY,
        },
      ]),
];

/** One counted sign-in attempt: settle it as a success, or as "not a failure after all". */
export interface SignInAttempt {
  succeeded(): Promise<void>;
  notAFailure(): Promise<void>;
}

export function createAbuseGuard(deps: {
  throttles: ThrottleRepository;
  limits: AbuseLimits;
  clock: () => Date;
}) {
  const { throttles, limits, clock } = deps;
  const take = async (rules: ThrottleRule[], code: 'H954' | 'H976' | 'H977') => {
    const waitMs = await throttles.take(rules, clock());
    if (waitMs > 0) throw IysRequestError.wait(code, retryAfterSeconds(waitMs));
  };
  const globalCodes: ThrottleRule = {
    kind: 'window',
    key: 'codes:all',
    limit: limits.codesPerMinute,
    windowMs: 60_000,
  };

  return {
    /**
     * Counts a portal sign-in attempt before the password is checked (so a burst is counted one by one), or
     * refuses it with H954 and Retry-After. The same for existing and unknown accounts.
     */
    async beginSignIn(account: string, address: string): Promise<SignInAttempt> {
      const known = await throttles.seen(
        `signin:${account}:${address}`,
        new Date(clock().getTime() - 90 * DAY),
      );
      const rules = signInRules(account, address, known);
      await take(rules, 'H954');
      return {
        succeeded: async () => {
          // A success was no failure: it is taken back everywhere, and ends the guessing at this pair. The
          // account-wide counter is not reset: the owner signing in does not undo a distributed attack.
          await throttles.refund(rules.map((rule) => rule.key));
          await throttles.clear([`signin:pair:${account}:${address}`]);
          await throttles.mark(`signin:${account}:${address}`, clock());
        },
        notAFailure: async () => void (await throttles.refund(rules.map((rule) => rule.key))),
      };
    },

    /** Before a sign-in or address code goes out to a person: per address, per network, overall (H976). */
    codeForCitizen: (address: string) =>
      take(
        [
          {
            kind: 'window',
            key: `codes:addr:${address}`,
            limit: limits.codesPerAddressPerHour,
            windowMs: HOUR,
          },
          {
            kind: 'window',
            key: `codes:net:${networkOf(address)}`,
            limit: limits.codesPerNetworkPerHour,
            windowMs: HOUR,
          },
          globalCodes,
        ],
        'H976',
      ),

    /**
     * Before an İYS Yolu code goes out for a provider: the provider's servers are its address, so the
     * provider is the unit (its own hourly quota), and the overall ceiling applies as to everyone.
     */
    codeForProvider: (iysCode: number) =>
      take(
        [
          {
            kind: 'window',
            key: `codes:sp:${iysCode}`,
            limit: limits.codesPerProviderPerHour,
            windowMs: HOUR,
          },
          globalCodes,
        ],
        'H976',
      ),

    /**
     * Whether a forgotten-password link may go to this account now (3 an hour). Answers instead of throwing:
     * the caller stays silent either way, so the answer never tells whether the account exists.
     */
    passwordResetAllowed: async (account: string) =>
      (await throttles.take(
        [{ kind: 'window', key: `reset:acct:${account}`, limit: 3, windowMs: HOUR }],
        clock(),
      )) === 0,

    /** Before an anonymous application is stored (H977). */
    application: (address: string) =>
      take(
        [
          {
            kind: 'window',
            key: `applications:addr:${address}`,
            limit: limits.applicationsPerAddressPerDay,
            windowMs: DAY,
          },
        ],
        'H977',
      ),

    applicationStorageBytes: limits.applicationStorageMb * 1024 * 1024,
  };
}

export type AbuseGuard = ReturnType<typeof createAbuseGuard>;
