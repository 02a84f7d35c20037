import { sql, type Kysely } from 'kysely';

/**
 * An anonymous application waits for its applicant to confirm the e-mail address it names before the
 * registry staff see it; unconfirmed ones are deleted with their agreement when the link expires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE provider_applications DROP CONSTRAINT provider_applications_status_check;
    ALTER TABLE provider_applications ADD CONSTRAINT provider_applications_status_check
      CHECK (status IN ('unconfirmed', 'pending', 'approved', 'rejected'));
    ALTER TABLE provider_applications ADD COLUMN confirm_token_hash bytea UNIQUE,
      ADD COLUMN confirm_by timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM provider_applications WHERE status = 'unconfirmed';
    ALTER TABLE provider_applications DROP COLUMN confirm_token_hash, DROP COLUMN confirm_by;
    ALTER TABLE provider_applications DROP CONSTRAINT provider_applications_status_check;
    ALTER TABLE provider_applications ADD CONSTRAINT provider_applications_status_check
      CHECK (status IN ('pending', 'approved', 'rejected'));
  `.execute(db);
}
