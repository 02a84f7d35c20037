import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/**
 * Market-wide aggregates for the regulator's dashboard (counts only). Consents per brand come from the
 * counts the database keeps (consent_counts, migration 0042), not from counting the projection.
 */
export function createDashboardRepository(db: Kysely<Database>) {
  return {
    /** Movements per Türkiye day, channel and status since `since`. */
    movementsByDay: async (since: Date) =>
      (
        await sql<{ day: string; type: string; status: string; count: number }>`
          SELECT to_char(creation_date AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM-DD') AS day, type, status, count(*)::int AS count
          FROM consent_events WHERE creation_date >= ${since}
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(db)
      ).rows,

    optOutRateByBrand: async () =>
      (
        await sql<{ brand_code: number; name: string; consents: number; rejections: number }>`
          SELECT b.brand_code, b.name, coalesce(sum(c.n), 0)::float8 AS consents,
                 coalesce(sum(c.n) FILTER (WHERE c.status = 'RET'), 0)::float8 AS rejections
          FROM brands b LEFT JOIN consent_counts c ON c.brand_id = b.id
          GROUP BY b.id ORDER BY b.name`.execute(db)
      ).rows,

    complaintsByProvider: async () =>
      (
        await sql<{ iys_code: number; title: string; consents: number; complaints: number }>`
          SELECT p.iys_code, p.title,
                 (SELECT coalesce(sum(c.n), 0) FROM consent_counts c JOIN brands b ON b.id = c.brand_id
                   WHERE b.provider_id = p.id)::float8 AS consents,
                 (SELECT count(*) FROM complaints k JOIN brands b ON b.id = k.brand_id WHERE b.provider_id = p.id)::int AS complaints
          FROM providers p ORDER BY p.title`.execute(db)
      ).rows,

    complaintsByProvince: async () =>
      (
        await sql<{ province: string; complaints: number }>`
          SELECT province, count(*)::int AS complaints FROM complaints
          WHERE province IS NOT NULL GROUP BY province ORDER BY complaints DESC, province`.execute(db)
      ).rows,

    gatewayChecksByDay: async (since: string) =>
      (
        await sql<{ day: string; allowed: number; blocked: number }>`
          SELECT to_char(day, 'YYYY-MM-DD') AS day, allowed::float8 AS allowed, blocked::float8 AS blocked
          FROM gateway_check_days WHERE day >= ${since}::date ORDER BY day`.execute(db)
      ).rows,
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;
