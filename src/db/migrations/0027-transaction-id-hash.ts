import { sql, type Kysely } from 'kysely';

/**
 * A movement's transaction id is looked up by equality only (the changes-feed cursor, receipts), and it is
 * 256 random bits, unique by construction. A hash index stores a 4-byte hash code per row instead of the
 * 64-character key a unique B-tree holds, and (unlike a unique key without recipient_key) it can live on a
 * table partitioned or sharded by recipient_key (docs/scaling.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE consent_events DROP CONSTRAINT consent_events_transaction_id_key;
    CREATE INDEX consent_events_transaction_idx ON consent_events USING hash (transaction_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX consent_events_transaction_idx;
    ALTER TABLE consent_events ADD CONSTRAINT consent_events_transaction_id_key UNIQUE (transaction_id);
  `.execute(db);
}
