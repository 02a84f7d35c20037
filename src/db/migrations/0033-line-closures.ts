import { sql, type Kysely } from 'kysely';

/**
 * Line closures (issue 14): operators report mobile numbers they closed, so that whoever is later given a
 * recycled number does not inherit the previous owner's ONAYs. Each closure is kept by its blind index and
 * date only (no address): it is the idempotency key (the same file twice adds nothing) and the work queue
 * (`applied_at` is set in the transaction that records the RETs, so a restart resumes where it stopped).
 * An operator account may report closures only when the registry allowed it (`closes_lines`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE gateway_accounts ADD COLUMN closes_lines boolean NOT NULL DEFAULT false;

    CREATE TABLE line_closure_batches (
      id            uuid PRIMARY KEY,
      account_id    integer NOT NULL REFERENCES gateway_accounts (id),
      kind          text NOT NULL CHECK (kind IN ('api', 'file')),
      file_sha256   bytea,
      rows_total    integer NOT NULL,
      rows_new      integer NOT NULL,
      rows_failed   integer NOT NULL,
      -- Progress, moved in the transaction that applies the closures it counts.
      rows_applied     integer NOT NULL DEFAULT 0,
      consents_closed  integer NOT NULL DEFAULT 0,
      -- The first rows refused, with their İYS code, for the operator's report.
      errors        jsonb NOT NULL DEFAULT '[]',
      received_at   timestamptz NOT NULL
    );
    CREATE INDEX line_closure_batches_received_idx ON line_closure_batches (received_at);

    CREATE TABLE line_closures (
      recipient_key    bytea NOT NULL,
      closed_at        timestamptz NOT NULL,
      batch_id         uuid NOT NULL REFERENCES line_closure_batches (id),
      applied_at       timestamptz,
      consents_closed  integer,
      PRIMARY KEY (recipient_key, closed_at)
    );
    CREATE INDEX line_closures_pending_idx ON line_closures (batch_id) WHERE applied_at IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE line_closures, line_closure_batches;
    ALTER TABLE gateway_accounts DROP COLUMN closes_lines;
  `.execute(db);
}
