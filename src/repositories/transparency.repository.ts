import { sql, type Kysely } from 'kysely';
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
     * its recording.
     */
    providerFigures: async (now: Date): Promise<ProviderFigures[]> => {
      const dayAgo = new Date(now.getTime() - 24 * 3600_000);
      const result = await sql<ProviderFigures>`
        SELECT p.iys_code, p.title,
          coalesce(c.consents, 0)::float8 AS consents,
          coalesce(c.rejections, 0)::float8 AS rejections,
          coalesce(k.upheld, 0)::int AS upheld_complaints,
          coalesce(o.due, 0)::int AS opt_outs_due,
          coalesce(o.reached, 0)::int AS opt_outs_reached
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
          SELECT b.provider_id, count(*) AS due,
            count(*) FILTER (WHERE EXISTS (
              SELECT 1 FROM feed_pulls f
              WHERE f.brand_id = e.brand_id
                AND CASE WHEN f.up_to_tx IS NULL THEN f.up_to_event_id >= e.id
                         ELSE (f.up_to_tx, f.up_to_event_id) >= (e.tx, e.id) END
                AND f.pulled_at <= e.creation_date + interval '1 day')
              OR EXISTS (
              SELECT 1 FROM webhook_deliveries d
              WHERE d.event_id = e.id AND d.status = 'delivered'
                AND d.delivered_at <= e.creation_date + interval '1 day')) AS reached
          FROM consent_events e JOIN brands b ON b.id = e.brand_id
          WHERE e.status = 'RET' AND e.source LIKE 'IYS\\_%' AND e.creation_date <= ${dayAgo}
          GROUP BY b.provider_id
        ) o ON o.provider_id = p.id
        WHERE p.status = 'active'
        ORDER BY p.title`.execute(db);
      return result.rows;
    },
  };
}

export type TransparencyRepository = ReturnType<typeof createTransparencyRepository>;
