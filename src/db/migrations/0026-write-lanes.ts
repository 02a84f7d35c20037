import { sql, type Kysely } from 'kysely';

/**
 * Two writers may now apply one brand at once (one per write lane), so a brand's event ids no longer
 * commit in order. The changes feed orders a brand's movements by writing transaction, then id, and reads
 * only transactions that have ended (as the notice reader does): its index follows that order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX consent_events_feed_idx;
    CREATE INDEX consent_events_feed_idx ON consent_events (brand_id, tx, id);
    -- How far a pull reached, in the same order (null for pulls recorded before: compared by id).
    ALTER TABLE feed_pulls ADD COLUMN up_to_tx xid8;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE feed_pulls DROP COLUMN up_to_tx;
    DROP INDEX consent_events_feed_idx;
    CREATE INDEX consent_events_feed_idx ON consent_events (brand_id, id);
  `.execute(db);
}
