import { sql, type Kysely } from 'kysely';

/** The regulator's work: staff roles, complaint decisions, and an append-only audit log of every action. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE regulator_keys ADD COLUMN role text NOT NULL DEFAULT 'regulator'
      CHECK (role IN ('admin', 'regulator'));

    ALTER TABLE complaints
      ADD COLUMN decided_at timestamptz,
      ADD COLUMN decided_by text,
      ADD COLUMN decision_note_enc bytea,
      ADD CONSTRAINT complaints_status_check
        CHECK (status IN ('received', 'upheld', 'rejected', 'needs_information'));

    CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
    END $$;

    CREATE TABLE audit_log (
      id       bigserial PRIMARY KEY,
      at       timestamptz NOT NULL DEFAULT now(),
      actor    text NOT NULL,
      action   text NOT NULL,
      target   text NOT NULL,
      details  jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
    CREATE INDEX audit_log_target_idx ON audit_log (target, at);
    CREATE INDEX audit_log_at_idx ON audit_log (at);
    CREATE TRIGGER audit_log_no_update_or_delete
      BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION append_only();
    CREATE TRIGGER audit_log_no_truncate
      BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE audit_log;
    DROP FUNCTION append_only();
    ALTER TABLE complaints DROP CONSTRAINT complaints_status_check,
      DROP COLUMN decision_note_enc, DROP COLUMN decided_by, DROP COLUMN decided_at;
    ALTER TABLE regulator_keys DROP COLUMN role;
  `.execute(db);
}
