import { sql, type Kysely } from 'kysely';

/**
 * An upload may be marked as a migration of the company's past records (issue 11): it sends no one a
 * message. Its ONAYs that would notify (not records of the past, see isHistorical) are refused (H981)
 * rather than silenced, so the mark can never hide a new consent from the person it names.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consent_uploads ADD COLUMN migration boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consent_uploads DROP COLUMN migration`.execute(db);
}
