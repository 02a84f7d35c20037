import { sql, type Kysely } from 'kysely';

/**
 * A citizen's answers when the regulator asks for more information about a complaint (issue 13): each reply
 * is kept, encrypted like the complaint's own text, and shown to the regulator beside it. Append-only: what
 * a citizen told the regulator is evidence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE complaint_replies (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      complaint_id  uuid NOT NULL REFERENCES complaints (id),
      text_enc      bytea NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX complaint_replies_complaint_idx ON complaint_replies (complaint_id, id);
    CREATE TRIGGER complaint_replies_no_update_or_delete BEFORE UPDATE OR DELETE ON complaint_replies
      FOR EACH ROW EXECUTE FUNCTION append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE complaint_replies`.execute(db);
}
