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
    CREATE INDEX anomaly_flags_created_idx ON anomaly_flags (created_at);

    -- The hours judged so far: a scan resumes after the last one, whichever process runs it.
    CREATE TABLE anomaly_cursor (
      only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      scanned_until   timestamptz NOT NULL
    );
    -- Movements by the hour they were recorded in (the scan's window). BRIN, not B-tree: rows arrive in
    -- creation order, so a summary per block range finds an hour, and an insert costs next to nothing.
    CREATE INDEX consent_events_creation_idx ON consent_events USING brin (creation_date);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX consent_events_creation_idx;
    DROP TABLE anomaly_cursor, anomaly_flags;
  `.execute(db);
}
