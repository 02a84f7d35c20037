import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Database, IysYoluRequestsTable } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** İYS Yolu verifications: one row per code sent. */
export function createIysYoluRepository(db: Kysely<Database>) {
  return {
    insertRequest: (executor: Executor, row: Insertable<IysYoluRequestsTable>) =>
      executor.insertInto('iys_yolu_requests').values(row).execute(),

    /** When this brand started verifications for this recipient since `since`, newest first. */
    listStartTimes: async (brandId: number, recipientKey: Buffer, since: Date): Promise<Date[]> =>
      (
        await db
          .selectFrom('iys_yolu_requests')
          .select('created_at')
          .where('brand_id', '=', brandId)
          .where('recipient_key', '=', recipientKey)
          .where('created_at', '>=', since)
          .orderBy('created_at', 'desc')
          .execute()
      ).map((r) => r.created_at),

    /** Whose request it is (a plain read: the consent write lock must be taken before any row lock). */
    findRecipientKey: async (executor: Executor, id: string, brandId: number): Promise<Buffer | undefined> =>
      (
        await executor
          .selectFrom('iys_yolu_requests')
          .select('recipient_key')
          .where('id', '=', id)
          .where('brand_id', '=', brandId)
          .executeTakeFirst()
      )?.recipient_key,

    lockRequest: (trx: Transaction<Database>, id: string, brandId: number) =>
      trx
        .selectFrom('iys_yolu_requests as q')
        .innerJoin('recipients as r', 'r.recipient_key', 'q.recipient_key')
        .selectAll('q')
        .select(['r.address_enc', 'r.kind'])
        .where('q.id', '=', id)
        .where('q.brand_id', '=', brandId)
        .forUpdate(['q'])
        .executeTakeFirst(),

    countAttempt: (executor: Executor, id: string) =>
      executor
        .updateTable('iys_yolu_requests')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .execute(),

    complete: (trx: Transaction<Database>, id: string, now: Date) =>
      trx.updateTable('iys_yolu_requests').set({ completed_at: now }).where('id', '=', id).execute(),
  };
}

export type IysYoluRepository = ReturnType<typeof createIysYoluRepository>;
