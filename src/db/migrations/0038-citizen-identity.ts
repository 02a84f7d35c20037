import { sql, type Kysely } from 'kysely';

/**
 * Sign-in with a national identity provider (issue 14, OpenID Connect): a citizen's account may belong to
 * an identity, kept only as a keyed hash of its national id (never the id itself).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE citizens ADD COLUMN identity_hash bytea UNIQUE`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE citizens DROP COLUMN identity_hash`.execute(db);
}
