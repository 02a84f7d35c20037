import { sql, type Kysely } from 'kysely';

/**
 * Suspicious submissions (issue 14): each brand's senders are judged per hour of what the registry recorded
 * (domain/upload-anomalies.ts); a flag is kept once per (brand, sender, hour, rule) and its company told.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE anomaly_flags (
      id            bigserial PRIMARY KEY,
      brand_id      integer NOT NULL REFERENCES brands (id),
      sender        text NOT NULL,
      window_start  timestamptz NOT NULL,
      rule          text NOT NULL,
      details       jsonb NOT NULL,
      created_at    timestamptz NOT NULL,
      UNIQUE (brand_id, sender, window_start, rule)
    );

    -- The hours judged so far: a scan resumes after the last one, whichever process runs it.
    CREATE TABLE anomaly_cursor (
      only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      scanned_until   timestamptz NOT NULL
    );
    -- The scan finds an hour's movements through consent_events_creation_brin (migration 0010).
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE anomaly_cursor, anomaly_flags`.execute(db);
}
