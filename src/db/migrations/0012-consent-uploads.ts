import { sql, type Kysely } from 'kysely';

/**
 * Files of consents uploaded in the portal. The file is kept, encrypted in 1 MB chunks, until it has been
 * applied: any server can process it and a restart resumes from `rows_done`, which moves in the same
 * transaction as the rows it counts. Per-row errors are kept for the downloadable report.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE consent_uploads (
      id              uuid PRIMARY KEY,
      provider_id     integer NOT NULL REFERENCES providers (id),
      brand_id        integer NOT NULL REFERENCES brands (id),
      portal_user_id  integer NOT NULL REFERENCES portal_users (id),
      file_name       text NOT NULL,
      format          text NOT NULL CHECK (format IN ('csv', 'xlsx')),
      -- Known once the whole file has been received.
      file_sha256     bytea,
      file_bytes      bigint NOT NULL DEFAULT 0,
      status          text NOT NULL
                        CHECK (status IN ('receiving', 'queued', 'processing', 'completed', 'failed')),
      total_rows      integer,
      rows_done       integer NOT NULL DEFAULT 0,
      rows_applied    integer NOT NULL DEFAULT 0,
      rows_failed     integer NOT NULL DEFAULT 0,
      failure         text,
      locked_until    timestamptz,
      received_at     timestamptz NOT NULL,
      started_at      timestamptz,
      finished_at     timestamptz
    );
    CREATE INDEX consent_uploads_provider_idx ON consent_uploads (provider_id, received_at);
    -- The same file for the same brand is applied once.
    CREATE UNIQUE INDEX consent_uploads_same_file_idx ON consent_uploads (brand_id, file_sha256)
      WHERE status IN ('queued', 'processing', 'completed');
    CREATE INDEX consent_uploads_unfinished_idx ON consent_uploads (received_at)
      WHERE status IN ('queued', 'processing');

    CREATE TABLE consent_upload_chunks (
      upload_id  uuid NOT NULL REFERENCES consent_uploads (id) ON DELETE CASCADE,
      seq        integer NOT NULL,
      data       bytea NOT NULL,
      PRIMARY KEY (upload_id, seq)
    );
    ALTER TABLE consent_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

    CREATE TABLE consent_upload_errors (
      upload_id   uuid NOT NULL REFERENCES consent_uploads (id) ON DELETE CASCADE,
      row_number  integer NOT NULL,
      code        text NOT NULL,
      message     text NOT NULL,
      field       text,
      PRIMARY KEY (upload_id, row_number, code)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE consent_upload_errors, consent_upload_chunks, consent_uploads`.execute(db);
}
