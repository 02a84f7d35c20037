import { sql, type Kysely } from 'kysely';

/**
 * Recovery codes for the portal's two-step verification (issue 13): ten one-time codes shown once when the
 * second factor is turned on, for the day the phone with the authenticator app is lost. Stored only as
 * SHA-256 hashes (each code carries 50 random bits, so a plain hash is enough); a used code keeps its row
 * with `used_at`, so the portal can say how many are left. A user's codes go with the user.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE portal_recovery_codes (
      portal_user_id  integer NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
      code_hash       bytea NOT NULL,
      used_at         timestamptz,
      created_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (portal_user_id, code_hash)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE portal_recovery_codes`.execute(db);
}
