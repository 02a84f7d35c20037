import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface NewOutboxMessage {
  id: string;
  channel: 'sms' | 'email';
  recipient_key: Buffer;
  purpose: string;
  subject_enc: Buffer | null;
  body_enc: Buffer;
  created_at: Date;
}

/** The message outbox. */
/** The outbox purpose of ONAY notices (they are sent from their own, paced queue). */
export const NOTICE_PURPOSE = 'consent-notice';

export function createOutboxRepository(db: Kysely<Database>) {
  return {
    insertMessages: async (executor: Executor, rows: NewOutboxMessage[]): Promise<void> => {
      // PostgreSQL takes at most 65535 parameters per statement: 7 columns → 5000 rows per insert.
      for (let start = 0; start < rows.length; start += 5000) {
        await executor
          .insertInto('outbox_messages')
          .values(rows.slice(start, start + 5000))
          .execute();
      }
    },

    findMessage: (id: string) =>
      db
        .selectFrom('outbox_messages as m')
        .innerJoin('recipients as r', 'r.recipient_key', 'm.recipient_key')
        .select([
          'm.id',
          'm.channel',
          'm.recipient_key',
          'm.subject_enc',
          'm.body_enc',
          'm.status',
          'm.attempts',
          'r.address_enc',
        ])
        .where('m.id', '=', id)
        .executeTakeFirst(),

    markSent: (id: string, now: Date) =>
      db
        .updateTable('outbox_messages')
        .set({ status: 'sent', sent_at: now, attempts: sql`attempts + 1`, last_error: null })
        .where('id', '=', id)
        .execute(),

    markFailedAttempt: (id: string, error: string, final: boolean) =>
      db
        .updateTable('outbox_messages')
        .set({
          attempts: sql`attempts + 1`,
          last_error: error.slice(0, 500),
          ...(final ? { status: 'failed' as const } : {}),
        })
        .where('id', '=', id)
        .execute(),

    /** Notice messages waiting for the paced sender. */
    countPendingNotices: async (): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('outbox_messages')
            .select(sql<string>`count(*)`.as('n'))
            .where('status', '=', 'pending')
            .where('purpose', '=', NOTICE_PURPOSE)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    countByStatus: async (): Promise<Record<string, number>> => {
      const rows = await db
        .selectFrom('outbox_messages')
        .select(['status', sql<string>`count(*)`.as('n')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    /**
     * Messages not yet sent, oldest first: created before `createdBefore` (when given), and consent notices
     * only or everything but them (they have a queue of their own).
     */
    listPendingMessageIds: async (filter: { createdBefore?: Date; notices: boolean }): Promise<string[]> => {
      let query = db
        .selectFrom('outbox_messages')
        .select('id')
        .where('status', '=', 'pending')
        .where('purpose', filter.notices ? '=' : '<>', NOTICE_PURPOSE);
      if (filter.createdBefore) query = query.where('created_at', '<', filter.createdBefore);
      return (await query.orderBy('created_at').execute()).map((r) => r.id);
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
