import { sql, type Kysely } from 'kysely';

/**
 * A brand's unfinished bulk requests in the order they were accepted: each round of the brand's backlog
 * lists its oldest 50. Through the pending index of all brands (by acceptance time alone) a listing also
 * read every other brand's unfinished requests accepted among them, or, before the table was analysed,
 * every unfinished request, sorted; so a round's cost grew with the whole backlog. This index replaces it:
 * a listing reads the rows it returns. What else read the pending index (the start's resume of all
 * unfinished requests, the backlog's count) reads this one whole, as it read the old one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX bulk_requests_brand_backlog_idx ON bulk_requests (brand_id, accepted_at, id)
              WHERE completed_at IS NULL`.execute(db);
  await sql`DROP INDEX bulk_requests_pending_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX bulk_requests_pending_idx ON bulk_requests (accepted_at) WHERE completed_at IS NULL`.execute(
    db,
  );
  await sql`DROP INDEX bulk_requests_brand_backlog_idx`.execute(db);
}
