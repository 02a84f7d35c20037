import { sql, type Kysely } from 'kysely';

/**
 * The gateway's index follows the event log instead of a trigger on the projection (issue 11). The trigger
 * of 0003 formatted every changed consent row into a notification payload inside the writing transaction:
 * ~11 µs of PostgreSQL per applied consent (bench -- ingest). Now the log only says that it grew, once per
 * writing transaction (identical notifications of one transaction are folded into one), and each process
 * reads what it has not read yet through the log's (tx, id) index (services/gateway/index-sync.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER consents_notify_update ON consents;
    DROP TRIGGER consents_notify_insert ON consents;
    DROP FUNCTION notify_consent_changes();
    CREATE FUNCTION notify_consent_log() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('consent_log', '');
      RETURN NULL;
    END $$;
    CREATE TRIGGER consent_events_notify AFTER INSERT ON consent_events
      FOR EACH STATEMENT EXECUTE FUNCTION notify_consent_log();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER consent_events_notify ON consent_events;
    DROP FUNCTION notify_consent_log();
    CREATE FUNCTION notify_consent_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      chunk text;
    BEGIN
      FOR chunk IN
        SELECT string_agg(line, ';')
        FROM (
          SELECT format('%s,%s,%s,%s,%s,%s', brand_id, recipient_type, type, status,
                        floor(extract(epoch FROM consent_date))::bigint, encode(recipient_key, 'hex')) AS line,
                 (row_number() OVER ()) / 50 AS bucket
          FROM changed
        ) lines
        GROUP BY bucket
      LOOP
        PERFORM pg_notify('consent_changes', chunk);
      END LOOP;
      RETURN NULL;
    END $$;
    CREATE TRIGGER consents_notify_insert AFTER INSERT ON consents
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_consent_changes();
    CREATE TRIGGER consents_notify_update AFTER UPDATE ON consents
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_consent_changes();
  `.execute(db);
}
