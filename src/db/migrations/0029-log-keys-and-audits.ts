import { sql, type Kysely } from 'kysely';

/**
 * The transparency log's signing keys, every one ever used (issue 12: "key rotation keeps old keys
 * published"). Each key is derived from the master key and its version; the highest version signs new
 * heads, and every older public key stays in `GET /log/v1/keys`, so heads signed before a rotation still
 * verify. Append-only: a key that disappeared would make its heads unverifiable.
 *
 * And the results of the daily log audit, which the regulator console and `/metrics` raise alerts from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE log_keys (
      version     integer PRIMARY KEY CHECK (version >= 1),
      kid         text NOT NULL UNIQUE,
      jwk         jsonb NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE TRIGGER log_keys_no_update_or_delete BEFORE UPDATE OR DELETE ON log_keys
      FOR EACH ROW EXECUTE FUNCTION append_only();
    CREATE TRIGGER log_keys_no_truncate BEFORE TRUNCATE ON log_keys
      FOR EACH STATEMENT EXECUTE FUNCTION append_only();

    CREATE TABLE log_audits (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      finished_at  timestamptz NOT NULL DEFAULT now(),
      leaves       bigint NOT NULL,
      heads        bigint NOT NULL,
      -- The problems listed (at most 100) and how many more there were.
      problems     jsonb NOT NULL,
      unlisted     bigint NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE log_audits, log_keys`.execute(db);
}
