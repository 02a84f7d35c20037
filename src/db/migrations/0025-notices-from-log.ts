import { sql, type Kysely } from 'kysely';

/**
 * Consent notices are read from the event log instead of being written beside each event: the writer no
 * longer pays a row, two index entries and their WAL per ONAY on the critical path.
 *
 * The reader walks the log in (tx, id) order, where tx is the writing transaction's id. Event ids are
 * allocated when rows are inserted but become visible at commit, so an id cursor could step over an event
 * that commits late; a transaction id below the oldest one still running (the snapshot's xmin) belongs to
 * a transaction that has ended, and no event with it can appear later. The partial index holds only the
 * events a notice can be for (see isHistorical: HS_2015 never notifies), so a migration of legacy records
 * adds nothing to it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE consent_events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX consent_events_notice_idx ON consent_events (tx, id)
      WHERE status = 'ONAY' AND recipient_type = 'BIREYSEL' AND actor_kind = 'provider'
        AND source IS DISTINCT FROM 'HS_2015';

    -- How far the notice reader has read: every notice-worthy event up to (tx, event_id) is handled.
    -- Events before this migration had their notices written as rows, so the cursor starts after them.
    CREATE TABLE notice_cursor (
      only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      tx        xid8 NOT NULL,
      event_id  bigint NOT NULL
    );
    INSERT INTO notice_cursor (tx, event_id)
      VALUES (pg_current_xact_id(), coalesce((SELECT max(id) FROM consent_events), 0));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE notice_cursor;
    DROP INDEX consent_events_notice_idx;
    ALTER TABLE consent_events DROP COLUMN tx;
  `.execute(db);
}
