import { sql, type Kysely } from 'kysely';

/** "Was this person sent a consent notice in the last day?" is asked for every pending notice. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX outbox_messages_notice_idx ON outbox_messages (recipient_key, created_at)
      WHERE purpose = 'consent-notice'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX outbox_messages_notice_idx`.execute(db);
}
