import { sql, type Kysely } from 'kysely';

/**
 * Counters of the abuse limits (sign-in failures, SMS codes sent, applications received) shared by every
 * process and kept across restarts, so that neither a second instance nor a restart resets a guesser.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE throttles (
      key           text PRIMARY KEY,
      hits          integer NOT NULL,
      since         timestamptz NOT NULL,
      blocked_until timestamptz
    );
    CREATE INDEX throttles_since_idx ON throttles (since);
    -- The portal's per-account lock (a hard lock anyone could trigger) gives way to the counters above.
    ALTER TABLE portal_users DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE throttles;
    ALTER TABLE portal_users ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0,
      ADD COLUMN locked_until timestamptz;
  `.execute(db);
}
