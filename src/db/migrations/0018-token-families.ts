import { sql, type Kysely } from 'kysely';

/**
 * Refresh-token reuse detection (OAuth 2.0 Security BCP §4.14): tokens issued from one sign-in share a
 * family; a used refresh token is kept, marked, until it expires, so that presenting it again is recognised
 * as theft and ends the whole family.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE api_tokens ADD COLUMN family uuid NOT NULL DEFAULT gen_random_uuid(),
      ADD COLUMN used_at timestamptz;
    ALTER TABLE api_tokens ALTER COLUMN family DROP DEFAULT;
    CREATE INDEX api_tokens_family_idx ON api_tokens (family);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_tokens DROP COLUMN family, DROP COLUMN used_at`.execute(db);
}
