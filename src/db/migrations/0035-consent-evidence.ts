import { sql, type Kysely } from 'kysely';

/**
 * Consent evidence and the company's side of a complaint (issue 14).
 *
 * A company attaches evidence to a recorded consent (a signed form scanned as PDF/PNG/JPEG, or a web-form
 * log as JSON): kept encrypted, append-only, with its SHA-256. Each piece is also a leaf of the
 * transparency log (`log_leaves.evidence_id`), read by the sequencer from its own cursor in the same
 * (writing transaction, id) order as events, so a piece swapped or removed later no longer matches a signed
 * tree head. A complaint naming a brand gets an answer deadline; the company's answers are kept encrypted,
 * append-only, with the transaction ids of the evidence they rely on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE consent_evidence (
      id             bigserial PRIMARY KEY,
      tx             xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id       bigint NOT NULL,
      brand_id       integer NOT NULL REFERENCES brands (id),
      recipient_key  bytea NOT NULL,
      transaction_id text COLLATE "C" NOT NULL,
      media_type     text NOT NULL
                       CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg', 'application/json')),
      bytes          integer NOT NULL,
      sha256         bytea NOT NULL,
      content_enc    bytea NOT NULL,
      actor_id       text NOT NULL,
      created_at     timestamptz NOT NULL,
      leaf_hash      bytea NOT NULL,
      -- The same file attached twice to one movement is one piece of evidence.
      UNIQUE (event_id, sha256)
    );
    ALTER TABLE consent_evidence ALTER COLUMN content_enc SET STORAGE EXTERNAL;
    CREATE INDEX consent_evidence_log_idx ON consent_evidence (tx, id);
    CREATE INDEX consent_evidence_brand_idx ON consent_evidence (brand_id, transaction_id);
    CREATE TRIGGER consent_evidence_no_update_or_delete BEFORE UPDATE OR DELETE ON consent_evidence
      FOR EACH ROW EXECUTE FUNCTION append_only();
    CREATE TRIGGER consent_evidence_no_truncate BEFORE TRUNCATE ON consent_evidence
      FOR EACH STATEMENT EXECUTE FUNCTION append_only();

    ALTER TABLE log_leaves ALTER COLUMN event_id DROP NOT NULL,
      ADD COLUMN evidence_id bigint,
      ADD CONSTRAINT log_leaves_one_source CHECK (num_nonnulls(event_id, evidence_id) = 1);
    CREATE INDEX log_leaves_evidence_idx ON log_leaves (evidence_id) WHERE evidence_id IS NOT NULL;
    ALTER TABLE log_cursor
      ADD COLUMN evidence_tx xid8 NOT NULL DEFAULT '0'::xid8,
      ADD COLUMN evidence_id bigint NOT NULL DEFAULT 0;

    ALTER TABLE complaints ADD COLUMN answer_due_at timestamptz;
    CREATE INDEX complaints_brand_idx ON complaints (brand_id, created_at);
    CREATE TABLE complaint_answers (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      complaint_id     uuid NOT NULL REFERENCES complaints (id),
      text_enc         bytea NOT NULL,
      transaction_ids  text[] NOT NULL DEFAULT '{}',
      answered_by      text NOT NULL,
      created_at       timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX complaint_answers_complaint_idx ON complaint_answers (complaint_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE complaint_answers;
    DROP INDEX complaints_brand_idx;
    ALTER TABLE complaints DROP COLUMN answer_due_at;
    ALTER TABLE log_cursor DROP COLUMN evidence_tx, DROP COLUMN evidence_id;
    DELETE FROM log_leaves WHERE evidence_id IS NOT NULL;
    ALTER TABLE log_leaves DROP CONSTRAINT log_leaves_one_source, DROP COLUMN evidence_id,
      ALTER COLUMN event_id SET NOT NULL;
    DROP TABLE consent_evidence;
  `.execute(db);
}
