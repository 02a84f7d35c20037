import { sql, type Kysely } from 'kysely';

/**
 * Uploads that cannot be applied are failed with an H-code (kept beside the Turkish message), and a person
 * can cancel an upload that is still waiting or running.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE consent_uploads ADD COLUMN failure_code text;
    ALTER TABLE consent_uploads DROP CONSTRAINT consent_uploads_status_check;
    ALTER TABLE consent_uploads ADD CONSTRAINT consent_uploads_status_check
      CHECK (status IN ('receiving', 'queued', 'processing', 'completed', 'failed', 'cancelled'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE consent_uploads SET status = 'failed' WHERE status = 'cancelled';
    ALTER TABLE consent_uploads DROP CONSTRAINT consent_uploads_status_check;
    ALTER TABLE consent_uploads ADD CONSTRAINT consent_uploads_status_check
      CHECK (status IN ('receiving', 'queued', 'processing', 'completed', 'failed'));
    ALTER TABLE consent_uploads DROP COLUMN failure_code;
  `.execute(db);
}
