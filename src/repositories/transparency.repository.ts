import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/types.js';

export interface ProviderFigures {
  iys_code: number;
  title: string;
  consents: number;
  rejections: number;
  upheld_complaints: number;
  opt_outs_due: number;
  opt_outs_reached: number;
}

/**
 * Citizen opt-outs recorded from `since` on and matching `until` (a condition on `e.creation_date`), per
 * brand and UTC day: how many, and how many reached the company within a day of their recording. Read
 * through the partial index of citizen refusals (migration 0042).
 */
const optOutsJudged = (since: RawBuilder<unknown>, until: RawBuilder<boolean>) => sql`
  SELECT e.brand_id, (e.creation_date AT TIME ZONE 'UTC')::date AS day, count(*)::int AS due,
    (count(*) FILTER (WHERE EXISTS (
      SELECT 1 FROM feed_pulls f
      WHERE f.brand_id = e.brand_id
        AND CASE WHEN f.up_to_tx IS NULL THEN f.up_to_event_id >= e.id
                 ELSE (f.up_to_tx, f.up_to_event_id) >= (e.tx, e.id) END
        AND f.pulled_at <= e.creation_date + interval '1 day')
      OR EXISTS (
      SELECT 1 FROM webhook_deliveries d
      WHERE d.event_id = e.id AND d.status = 'delivered'
        AND d.delivered_at <= e.creation_date + interval '1 day')))::int AS reached
  FROM consent_events e
  WHERE e.status = 'RET' AND e.source LIKE 'IYS\\_%' AND e.creation_date >= ${since} AND ${until}
  GROUP BY e.brand_id, day`;

/** Per-provider aggregates for the public transparency page: counts only, never a person. */
export function createTransparencyRepository(db: Kysely<Database>) {
  return {
    recordFeedPull: (brandId: number, upTo: { tx: string; id: string }, at: Date) =>
      db
        .insertInto('feed_pulls')
        .values({
          brand_id: brandId,
          up_to_event_id: upTo.id,
          up_to_tx: sql<string>`${upTo.tx}::xid8`,
          pulled_at: at,
        })
        .execute(),

    /**
     * Citizen opt-outs (RET with an IYS_* source) older than a day are "due"; one "reached" the provider when
     * a changes-feed pull of its brand covered it, or one of its webhooks took its delivery, within a day of
     * its recording. Settled days come from the tally (migration 0043), the refusals after it are judged here.
     */
    providerFigures: async (now: Date): Promise<ProviderFigures[]> => {
      const dayAgo = new Date(now.getTime() - 24 * 3600_000);
      const result = await sql<ProviderFigures>`
        SELECT p.iys_code, p.title,
          coalesce(c.consents, 0)::float8 AS consents,
          coalesce(c.rejections, 0)::float8 AS rejections,
          coalesce(k.upheld, 0)::int AS upheld_complaints,
          coalesce(o.due, 0)::float8 AS opt_outs_due,
          coalesce(o.reached, 0)::float8 AS opt_outs_reached
        FROM providers p
        LEFT JOIN (
          -- The kept counts (migration 0042), not the projection's rows: one row per brand and status.
          SELECT b.provider_id, sum(c.n) AS consents, sum(c.n) FILTER (WHERE c.status = 'RET') AS rejections
          FROM consent_counts c JOIN brands b ON b.id = c.brand_id GROUP BY b.provider_id
        ) c ON c.provider_id = p.id
        LEFT JOIN (
          SELECT b.provider_id, count(*) AS upheld
          FROM complaints k JOIN brands b ON b.id = k.brand_id WHERE k.status = 'upheld' GROUP BY b.provider_id
        ) k ON k.provider_id = p.id
        LEFT JOIN (
          SELECT b.provider_id, sum(o.due) AS due, sum(o.reached) AS reached
          FROM (
            SELECT brand_id, due, reached FROM opt_out_days
            UNION ALL
            SELECT brand_id, due, reached FROM (${optOutsJudged(
              sql`(SELECT tallied_before FROM opt_out_tally)`,
              sql`e.creation_date <= ${dayAgo}`,
            )}) settling
          ) o JOIN brands b ON b.id = o.brand_id
          GROUP BY b.provider_id
        ) o ON o.provider_id = p.id
        WHERE p.status = 'active'
        ORDER BY p.title`.execute(db);
      return result.rows;
    },

    /**
     * Tallies the citizen opt-outs of every UTC day settled by `now` (two days past it) and not tallied yet,
     * and moves the tally's mark past them, in one statement; returns how many refusals it tallied. Two
     * tallies at once take turns on the mark's row, and the second finds nothing left.
     */
    tallyOptOuts: async (now: Date): Promise<number> => {
      const { rows } = await sql<{ refusals: number }>`
        WITH mark AS (
          SELECT tallied_before AS since,
                 date_trunc('day', ${now}::timestamptz - interval '2 days', 'UTC') AS settled_before
          FROM opt_out_tally FOR UPDATE
        ), tallied AS (
          INSERT INTO opt_out_days (brand_id, day, due, reached)
          SELECT brand_id, day, due, reached
          FROM (${optOutsJudged(sql`(SELECT since FROM mark)`, sql`e.creation_date < (SELECT settled_before FROM mark)`)}) settled
          RETURNING due
        ), moved AS (
          UPDATE opt_out_tally SET tallied_before = mark.settled_before
          FROM mark WHERE mark.settled_before > mark.since
        )
        SELECT coalesce(sum(due), 0)::int AS refusals FROM tallied`.execute(db);
      return rows[0]!.refusals;
    },
  };
}

export type TransparencyRepository = ReturnType<typeof createTransparencyRepository>;
