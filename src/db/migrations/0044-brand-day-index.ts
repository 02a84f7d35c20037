import { sql, type Kysely } from 'kysely';

/**
 * A brand's movements of one day, in the order they were recorded: the reconciliation file's pages and the
 * day's summary (iys-api.md §3.6). Paged by id with the day as a filter, a file's first page read the log
 * from its start and its last page to its end, a pass over the whole log per file; through this index a
 * page reads its own rows. It grows at the right end of each brand, like the feed index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX consent_events_brand_day_idx ON consent_events (brand_id, creation_date, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX consent_events_brand_day_idx`.execute(db);
}
