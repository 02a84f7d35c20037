import { sql, type Kysely } from 'kysely';

/**
 * Which bulk requests came through İYS's v2 consent service (`/v2/sps/…/consents/request`, issue 14): the
 * v2 result says so in each item (`isAddConsentV2Service`), as the real v2 result model does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE bulk_requests ADD COLUMN via_v2 boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE bulk_requests DROP COLUMN via_v2`.execute(db);
}
