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

/** The message outbox and the pending consent notices that feed it. */
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

    insertNotifications: async (
      executor: Executor,
      rows: Array<{
        event_id: string;
        recipient_key: Buffer;
        brand_id: number;
        type: string;
        created_at: Date;
      }>,
    ): Promise<void> => {
      if (rows.length === 0) return;
      await sql`
        INSERT INTO consent_notifications (event_id, recipient_key, brand_id, type, created_at)
        SELECT * FROM unnest(${rows.map((r) => r.event_id)}::bigint[], ${rows.map((r) => r.recipient_key)}::bytea[],
                             ${rows.map((r) => r.brand_id)}::integer[], ${rows.map((r) => r.type)}::text[],
                             ${rows.map((r) => r.created_at)}::timestamptz[])`.execute(executor);
    },

    /** Pending notices with their brand and company, locked so two dispatchers never send one twice. */
    /**
     * Pending notices to tell now, locked for this transaction: those of people who were not sent a notice
     * since `lastNoticeBefore` (the others wait, so a person gets at most one a day).
     */
    claimPendingNotifications: (trx: Transaction<Database>, limit: number, lastNoticeBefore: Date) =>
      trx
        .selectFrom('consent_notifications as n')
        .innerJoin('brands as b', 'b.id', 'n.brand_id')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .innerJoin('recipients as r', 'r.recipient_key', 'n.recipient_key')
        .select([
          'n.id',
          'n.event_id',
          'n.recipient_key',
          'n.brand_id',
          'n.type',
          'r.kind',
          'b.name as brand_name',
          'p.title as company',
        ])
        .where('n.message_id', 'is', null)
        // A blocked brand's notices wait: the registry sends no message naming it until it is lifted.
        .where('b.blocked_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox_messages as m')
                .select('m.id')
                .whereRef('m.recipient_key', '=', 'n.recipient_key')
                .where('m.purpose', '=', NOTICE_PURPOSE)
                .where('m.created_at', '>', lastNoticeBefore),
            ),
          ),
        )
        .orderBy('n.id')
        .limit(limit)
        .forUpdate('n')
        .skipLocked()
        .execute(),

    attachNotifications: async (
      trx: Transaction<Database>,
      links: Array<{ notificationId: string; messageId: string }>,
    ) => {
      if (links.length === 0) return;
      await sql`
        UPDATE consent_notifications n SET message_id = l.message_id
        FROM unnest(${links.map((l) => l.notificationId)}::bigint[], ${links.map((l) => l.messageId)}::uuid[]) AS l(id, message_id)
        WHERE n.id = l.id`.execute(trx);
    },

    countPendingNotifications: async (): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('consent_notifications')
            .select(sql<string>`count(*)`.as('n'))
            .where('message_id', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
