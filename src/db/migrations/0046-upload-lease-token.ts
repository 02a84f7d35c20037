import { sql, type Kysely } from 'kysely';

/**
 * An upload's lease names its holder. A worker that stalled past its lease (a paused process, a lost
 * connection) could still commit the batch in hand after another worker had taken the file over, and both
 * then applied and counted the same rows (the second refusing them as repeats). Each claim now draws a new
 * token, and a batch counts itself only under the token it was claimed with, in the transaction that
 * writes it: a worker whose lease was taken over commits nothing more.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consent_uploads ADD COLUMN lease_token uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consent_uploads DROP COLUMN lease_token`.execute(db);
}
