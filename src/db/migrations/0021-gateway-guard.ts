import { sql, type Kysely } from 'kysely';

/**
 * Gateway accounts say whether they may see why and since when a recipient may be messaged (the bare
 * allowed/blocked answer is all a sender needs); suspected number-range scans are kept as alerts for the
 * regulator. Accounts that existed keep the detail they had.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE gateway_accounts ADD COLUMN sees_detail boolean NOT NULL DEFAULT false;
    UPDATE gateway_accounts SET sees_detail = true;
    CREATE TABLE gateway_alerts (
      id           bigserial PRIMARY KEY,
      account_id   integer NOT NULL REFERENCES gateway_accounts (id),
      kind         text NOT NULL CHECK (kind IN ('range-scan')),
      detected_at  timestamptz NOT NULL,
      details      jsonb NOT NULL
    );
    CREATE INDEX gateway_alerts_detected_idx ON gateway_alerts (detected_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE gateway_alerts;
    ALTER TABLE gateway_accounts DROP COLUMN sees_detail;
  `.execute(db);
}
