import { sql, type Kysely } from 'kysely';

/**
 * Webhooks: a provider's endpoints per brand and one delivery row per (endpoint, consent event), written in
 * the same transaction as the event. A delivery holds only the event's id: the body, with the address, is
 * built when it is sent, so no plaintext address is ever stored. A statement-level trigger wakes the
 * dispatchers (LISTEN webhook_deliveries) when deliveries are committed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhooks (
      id                   uuid PRIMARY KEY,
      provider_id          integer NOT NULL REFERENCES providers (id),
      brand_id             integer NOT NULL REFERENCES brands (id),
      url                  text NOT NULL,
      secret_enc           bytea NOT NULL,
      -- After a rotation the previous secret also signs for a day, so receivers can switch without a gap.
      previous_secret_enc  bytea,
      previous_until       timestamptz,
      status               text NOT NULL CHECK (status IN ('active', 'disabled')),
      disabled_reason      text,
      created_at           timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhooks_brand_idx ON webhooks (brand_id) WHERE status = 'active';
    CREATE INDEX webhooks_provider_idx ON webhooks (provider_id);

    CREATE TABLE webhook_deliveries (
      id               uuid PRIMARY KEY,
      webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id         bigint NOT NULL,
      status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL,
      last_status      integer,
      last_error       text,
      created_at       timestamptz NOT NULL,
      delivered_at     timestamptz
    );
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, created_at);

    CREATE FUNCTION notify_webhook_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('webhook_deliveries', '');
      RETURN NULL;
    END $$;
    CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
      FOR EACH STATEMENT EXECUTE FUNCTION notify_webhook_deliveries();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE webhook_deliveries, webhooks;
    DROP FUNCTION notify_webhook_deliveries();
  `.execute(db);
}
