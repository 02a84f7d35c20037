import { sql, type Kysely } from 'kysely';

/**
 * İYS Yolu (iys-api.md §3.8): a provider asks the registry to collect a consent. The registry sends the
 * recipient a one-time code; the consent is recorded only when the provider passes that code back, so the
 * registry itself witnessed it. Only an HMAC of the code is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE iys_yolu_requests (
      id              uuid PRIMARY KEY,
      brand_id        integer NOT NULL REFERENCES brands (id),
      api_user_id     integer NOT NULL REFERENCES api_users (id),
      recipient_key   bytea NOT NULL REFERENCES recipients (recipient_key),
      recipient_type  text NOT NULL,
      types           text[] NOT NULL,
      source          text NOT NULL,
      code_hash       bytea NOT NULL,
      attempts        integer NOT NULL DEFAULT 0,
      expires_at      timestamptz NOT NULL,
      completed_at    timestamptz,
      created_at      timestamptz NOT NULL
    );
    CREATE INDEX iys_yolu_requests_recipient_idx ON iys_yolu_requests (brand_id, recipient_key, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE iys_yolu_requests`.execute(db);
}
