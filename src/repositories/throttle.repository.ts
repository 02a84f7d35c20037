import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { stepThrottle, type ThrottleRule, type ThrottleState } from '../domain/throttle.js';

interface CounterRow {
  key: string;
  hits: number;
  since: Date;
  blocked_until: Date | null;
}

const MARK_PREFIX = 'mark:';

/** Refused in `take`: rolls the transaction back so that a refused attempt counts nowhere. */
class Refused extends Error {
  constructor(readonly waitMs: number) {
    super('throttled');
  }
}

/** The shared counters behind every abuse limit (domain/throttle.ts holds the rules). */
export function createThrottleRepository(db: Kysely<Database>) {
  return {
    /**
     * Counts one event against every rule, atomically: each counter row is locked before it is read, so a
     * burst of concurrent attempts is counted one by one. All rules allow it → all are counted and 0 is
     * returned; any refuses → none is counted and the longest wait (ms) is returned.
     */
    async take(rules: ThrottleRule[], now: Date): Promise<number> {
      const ordered = [...rules].sort((a, b) => (a.key < b.key ? -1 : 1)); // one lock order: no deadlocks
      try {
        await db.transaction().execute(async (trx) => {
          let waitMs = 0;
          const updates: [string, ThrottleState][] = [];
          for (const rule of ordered) {
            // Inserting an empty counter or touching the existing one locks the row either way.
            const { rows } = await sql<CounterRow>`
              INSERT INTO throttles (key, hits, since) VALUES (${rule.key}, 0, 'epoch')
              ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
              RETURNING key, hits, since, blocked_until`.execute(trx);
            const row = rows[0]!;
            const state = { hits: row.hits, since: row.since, blockedUntil: row.blocked_until };
            const step = stepThrottle(rule, state, now);
            if (step.allowed) updates.push([rule.key, step.next]);
            else waitMs = Math.max(waitMs, step.waitMs);
          }
          if (waitMs > 0) throw new Refused(waitMs);
          for (const [key, next] of updates) {
            await sql`
              UPDATE throttles SET hits = ${next.hits}, since = ${next.since}, blocked_until = ${next.blockedUntil}
              WHERE key = ${key}`.execute(trx);
          }
        });
        return 0;
      } catch (error) {
        if (error instanceof Refused) return error.waitMs;
        throw error;
      }
    },

    /** Takes back one counted event (an attempt that turned out not to be a failure). */
    refund: (keys: string[]) =>
      sql`UPDATE throttles SET hits = greatest(hits - 1, 0) WHERE key = ANY(${keys})`.execute(db),

    /** Forgets the keys' counters (a successful sign-in ends the guessing it was counted against). */
    clear: (keys: string[]) => sql`DELETE FROM throttles WHERE key = ANY(${keys})`.execute(db),

    /** Remembers that something happened (no limit attached), for `seen`. */
    mark: (key: string, now: Date) =>
      sql`
        INSERT INTO throttles (key, hits, since) VALUES (${MARK_PREFIX + key}, 1, ${now})
        ON CONFLICT (key) DO UPDATE SET since = EXCLUDED.since`.execute(db),

    seen: async (key: string, since: Date): Promise<boolean> =>
      (await sql`SELECT 1 FROM throttles WHERE key = ${MARK_PREFIX + key} AND since >= ${since}`.execute(db))
        .rows.length > 0,

    /**
     * Drops counters that block nothing and were untouched for two days, and `mark`s older than 90 days
     * (a sign-in address is remembered for a season, a failure for a day or two).
     */
    sweep: async (now: Date): Promise<number> => {
      const day = 24 * 3600_000;
      const result = await sql`
        DELETE FROM throttles
        WHERE CASE WHEN key LIKE ${`${MARK_PREFIX}%`} THEN since < ${new Date(now.getTime() - 90 * day)}
                   ELSE since < ${new Date(now.getTime() - 2 * day)}
                        AND (blocked_until IS NULL OR blocked_until < ${now}) END`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}

export type ThrottleRepository = ReturnType<typeof createThrottleRepository>;
