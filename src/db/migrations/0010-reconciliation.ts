import { sql, type Kysely } from 'kysely';

/**
 * Reconciliation reads one day of a brand's movements. The log is appended in time order, so a BRIN index
 * on creation_date finds a day's pages for almost nothing on every insert (a B-tree would cost the ingest
 * a sixth index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX consent_events_creation_brin ON consent_events USING brin (creation_date)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX consent_events_creation_brin`.execute(db);
}
