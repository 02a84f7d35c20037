import { sql, type Kysely } from 'kysely';

/**
 * Registry staff sign in to the console with their key once and then hold an httpOnly session cookie, as
 * citizens and providers do: the key never sits in the browser's storage. Revoking the key ends them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE staff_sessions (
      token_hash  bytea PRIMARY KEY,
      key_hash    bytea NOT NULL REFERENCES regulator_keys (key_hash) ON DELETE CASCADE,
      csrf_token  text NOT NULL,
      expires_at  timestamptz NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE staff_sessions`.execute(db);
}
