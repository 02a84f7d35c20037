import { sql, type Kysely } from 'kysely';

/** Who did it, when, to what — and from where: the client address of every audited action. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN client_address text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_log DROP COLUMN client_address`.execute(db);
}
