import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/** One sender's movements for one brand in one hour, with the figures the anomaly rules read. */
export interface SenderWindow {
  brand_id: number;
  provider_id: number;
  brand_code: number;
  brand_name: string;
  sender: string;
  total: number;
  onay: number;
  legacy: number;
  closed_or_refused: number;
  /** Records per consent day (Türkiye), for the deadline rule. */
  by_consent_day: Record<string, number>;
}

/** Suspicious-submission scans (migration 0037). */
export function createAnomalyRepository(db: Kysely<Database>) {
  return {
    scannedUntil: async (): Promise<Date | undefined> =>
      (await db.selectFrom('anomaly_cursor').select('scanned_until').executeTakeFirst())?.scanned_until,

    setScannedUntil: (until: Date) =>
      sql`
        INSERT INTO anomaly_cursor (only_row, scanned_until) VALUES (true, ${until})
        ON CONFLICT (only_row) DO UPDATE SET scanned_until = EXCLUDED.scanned_until`.execute(db),

    /** Provider-recorded movements in [from, to), per brand and sender. */
    windows: async (from: Date, to: Date): Promise<SenderWindow[]> =>
      (
        await sql<SenderWindow>`
          WITH w AS (
            SELECT e.*, coalesce(e.actor_id, '') AS sender FROM consent_events e
            WHERE e.creation_date >= ${from} AND e.creation_date < ${to} AND e.actor_kind = 'provider'
          ), days AS (
            SELECT brand_id, sender,
                   to_char(consent_date AT TIME ZONE 'Europe/Istanbul', 'YYYY-MM-DD') AS day, count(*)::int AS n
            FROM w GROUP BY 1, 2, 3
          )
          SELECT w.brand_id, b.provider_id, b.brand_code, b.name AS brand_name, w.sender,
                 count(*)::int AS total,
                 count(*) FILTER (WHERE w.status = 'ONAY')::int AS onay,
                 count(*) FILTER (WHERE w.source = 'HS_2015')::int AS legacy,
                 count(*) FILTER (WHERE w.status = 'ONAY' AND (
                   EXISTS (SELECT 1 FROM line_closures l WHERE l.recipient_key = w.recipient_key
                             AND l.closed_at > w.creation_date - interval '90 days' AND l.closed_at <= w.creation_date)
                   OR EXISTS (SELECT 1 FROM consent_events r WHERE r.recipient_key = w.recipient_key
                             AND r.status = 'RET' AND r.id < w.id
                             AND r.creation_date > w.creation_date - interval '90 days'
                             AND r.creation_date <= w.creation_date)))::int AS closed_or_refused,
                 (SELECT jsonb_object_agg(d.day, d.n) FROM days d
                   WHERE d.brand_id = w.brand_id AND d.sender = w.sender) AS by_consent_day
          FROM w JOIN brands b ON b.id = w.brand_id
          GROUP BY w.brand_id, b.provider_id, b.brand_code, b.name, w.sender`.execute(db)
      ).rows,

    /** A brand's ONAYs recorded in [from, to). */
    countOnays: async (brandId: number, from: Date, to: Date): Promise<number> =>
      Number(
        (
          await sql<{ n: string }>`
            SELECT count(*) AS n FROM consent_events
            WHERE brand_id = ${brandId} AND status = 'ONAY' AND creation_date >= ${from} AND creation_date < ${to}`.execute(
            db,
          )
        ).rows[0]!.n,
      ),

    /** Keeps a flag once; true when it is new (so its company is told once). */
    insertFlag: async (flag: {
      brand_id: number;
      sender: string;
      window_start: Date;
      rule: string;
      details: Record<string, number>;
      created_at: Date;
    }): Promise<boolean> =>
      (
        await db
          .insertInto('anomaly_flags')
          .values({ ...flag, details: JSON.stringify(flag.details) })
          .onConflict((oc) => oc.columns(['brand_id', 'sender', 'window_start', 'rule']).doNothing())
          .returning('id')
          .execute()
      ).length === 1,

    listFlags: (limit: number) =>
      db
        .selectFrom('anomaly_flags as f')
        .innerJoin('brands as b', 'b.id', 'f.brand_id')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .select(['f.id', 'f.sender', 'f.window_start', 'f.rule', 'f.details', 'f.created_at'])
        .select(['b.brand_code', 'b.name as brand_name', 'p.iys_code', 'p.title as company'])
        .orderBy('f.id', 'desc')
        .limit(limit)
        .execute(),
  };
}

export type AnomalyRepository = ReturnType<typeof createAnomalyRepository>;
