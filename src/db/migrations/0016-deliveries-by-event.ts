import { sql, type Kysely } from 'kysely';

/** The transparency figures ask, per citizen refusal, whether a webhook delivered it: found by its event. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX webhook_deliveries_event_idx`.execute(db);
}
