import { sql, type Kysely } from 'kysely';

/**
 * The transparency log's signing keys, every one ever used (issue 12: "key rotation keeps old keys
 * published"). Each key is derived from the master key and its version; the highest version signs new
 * heads, and every older public key stays in `GET /log/v1/keys`, so heads signed before a rotation still
 * verify. Append-only: a key that disappeared would make its heads unverifiable.
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
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE log_keys`.execute(db);
}
