import { sql, type Kysely } from 'kysely';

/**
 * Message gateways (AHS: SMS operators, e-mail senders): their accounts, and a change stream of the consent
 * projection that each server's in-process check index listens to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE gateway_accounts (
      id             serial PRIMARY KEY,
      name           text NOT NULL,
      channels       text[] NOT NULL,
      username       text NOT NULL UNIQUE,
      password_hash  text NOT NULL,
      token_hash     bytea NOT NULL UNIQUE,
      created_at     timestamptz NOT NULL DEFAULT now(),
      revoked_at     timestamptz
    );

    -- Notifications carry up to 50 rows each (a row is ~100 bytes; a payload must stay under 8000), not one
    -- per row: a bulk write of 1000 consents costs twenty. Payload rows:
    -- brand_id,recipient_type,type,status,consent_epoch,key_hex (the blind index only, never an address).
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

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER consents_notify_update ON consents;
    DROP TRIGGER consents_notify_insert ON consents;
    DROP FUNCTION notify_consent_changes();
    DROP TABLE gateway_accounts;
  `.execute(db);
}
