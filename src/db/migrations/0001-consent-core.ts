import { sql, type Kysely } from 'kysely';

/**
 * The consent core: providers, brands, API credentials, encrypted recipients, the append-only consent event
 * log (source of truth) and its current-state projection, and durable bulk requests.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE providers (
      id            serial PRIMARY KEY,
      iys_code      integer NOT NULL UNIQUE,
      kind          text NOT NULL CHECK (kind IN ('TUZEL', 'GERCEK')),
      title         text NOT NULL,
      tax_id_enc    bytea,
      status        text NOT NULL CHECK (status IN ('pending', 'active', 'suspended')),
      activated_at  timestamptz,
      created_at    timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE brands (
      id            serial PRIMARY KEY,
      brand_code    integer NOT NULL UNIQUE,
      provider_id   integer NOT NULL REFERENCES providers (id),
      name          text NOT NULL,
      master        boolean NOT NULL DEFAULT false,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX brands_provider_idx ON brands (provider_id);

    CREATE TABLE api_users (
      id             serial PRIMARY KEY,
      provider_id    integer NOT NULL REFERENCES providers (id),
      username       text NOT NULL UNIQUE,
      password_hash  text NOT NULL,
      revoked_at     timestamptz,
      created_at     timestamptz NOT NULL DEFAULT now()
    );

    -- Only SHA-256 hashes of bearer tokens are stored: a database dump cannot be replayed as credentials.
    CREATE TABLE api_tokens (
      token_hash   bytea PRIMARY KEY,
      kind         text NOT NULL CHECK (kind IN ('access', 'refresh')),
      api_user_id  integer NOT NULL REFERENCES api_users (id),
      expires_at   timestamptz NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX api_tokens_expiry_idx ON api_tokens (expires_at);

    CREATE TABLE recipients (
      recipient_key  bytea PRIMARY KEY,
      address_enc    bytea NOT NULL,
      kind           text NOT NULL CHECK (kind IN ('phone', 'email')),
      created_at     timestamptz NOT NULL DEFAULT now()
    );

    -- Codes and ids compare byte-wise (COLLATE "C"): they are never sorted for people, and locale-aware
    -- comparison would slow every index insert.
    -- consent_events and consents carry no foreign keys: they take every write of the registry, and the
    -- per-row FK checks cost a fifth of bulk-ingest throughput. Their references hold by construction: the
    -- consent repository inserts the recipient in the same transaction and brands are never deleted.
    CREATE TABLE consent_events (
      id               bigserial PRIMARY KEY,
      transaction_id   text COLLATE "C" NOT NULL UNIQUE,
      brand_id         integer NOT NULL,
      recipient_key    bytea NOT NULL,
      recipient_type   text COLLATE "C" NOT NULL,
      type             text COLLATE "C" NOT NULL,
      status           text COLLATE "C" NOT NULL,
      source           text COLLATE "C",
      consent_date     timestamptz NOT NULL,
      creation_date    timestamptz NOT NULL,
      retailer_code    integer,
      retailer_access  integer[] NOT NULL DEFAULT '{}',
      actor_kind       text NOT NULL CHECK (actor_kind IN ('provider', 'citizen', 'system')),
      actor_id         text,
      leaf_hash        bytea NOT NULL
    );
    CREATE INDEX consent_events_feed_idx ON consent_events (brand_id, id);
    -- A recipient's history (citizen view, complaint evidence): a person has few events, so the blind index
    -- alone finds them; a wider key would only make every insert slower.
    CREATE INDEX consent_events_recipient_idx ON consent_events (recipient_key);

    -- The log is evidence: ordinary sessions may only append. The retention job (later) disables this
    -- trigger inside its own transaction, so every deletion is deliberate and auditable.
    CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'consent_events is append-only (% refused)', TG_OP;
    END $$;
    CREATE TRIGGER consent_events_no_update_or_delete
      BEFORE UPDATE OR DELETE ON consent_events
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();
    CREATE TRIGGER consent_events_no_truncate
      BEFORE TRUNCATE ON consent_events
      FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();

    CREATE TABLE consents (
      recipient_key    bytea NOT NULL,
      brand_id         integer NOT NULL,
      recipient_type   text COLLATE "C" NOT NULL,
      type             text COLLATE "C" NOT NULL,
      status           text COLLATE "C" NOT NULL,
      source           text COLLATE "C",
      consent_date     timestamptz NOT NULL,
      creation_date    timestamptz NOT NULL,
      transaction_id   text COLLATE "C" NOT NULL,
      retailer_code    integer,
      retailer_access  integer[] NOT NULL DEFAULT '{}',
      last_event_id    bigint NOT NULL,
      PRIMARY KEY (recipient_key, brand_id, recipient_type, type)
    );
    CREATE INDEX consents_brand_idx ON consents (brand_id, type, status);

    -- An accepted bulk request, stored before the 200 is sent. Items hold blind indexes and ciphertexts,
    -- never a plaintext address; results[i] stays null until item i is applied, in the same transaction.
    -- Items are written once and read once, whole: plain json (no jsonb parsing) and no compression
    -- (ciphertext does not compress) keep the write cheap.
    CREATE TABLE bulk_requests (
      id               uuid PRIMARY KEY,
      brand_id         integer NOT NULL REFERENCES brands (id),
      api_user_id      integer NOT NULL REFERENCES api_users (id),
      accepted_at      timestamptz NOT NULL,
      subrequest_ids   uuid[] NOT NULL,
      transaction_ids  text[] NOT NULL,
      items            json NOT NULL,
      results          jsonb NOT NULL,
      completed_at     timestamptz
    );
    ALTER TABLE bulk_requests ALTER COLUMN items SET STORAGE EXTERNAL;
    CREATE INDEX bulk_requests_pending_idx ON bulk_requests (accepted_at) WHERE completed_at IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE bulk_requests, consents, consent_events, recipients, api_tokens, api_users, brands, providers;
    DROP FUNCTION consent_events_append_only();
  `.execute(db);
}
