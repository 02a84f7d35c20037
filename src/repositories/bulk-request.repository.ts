import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';

export function createBulkRequestRepository(db: Kysely<Database>) {
  return {
    insertBulkRequest: (row: {
      id: string;
      brand_id: number;
      api_user_id: number;
      accepted_at: Date;
      subrequest_ids: string[];
      transaction_ids: string[];
      items: unknown[];
    }) =>
      db
        .insertInto('bulk_requests')
        .values({
          ...row,
          items: JSON.stringify(row.items),
          results: JSON.stringify(row.items.map(() => null)),
        })
        .execute(),

    findBulkRequest: (id: string, brandId: number) =>
      db
        .selectFrom('bulk_requests')
        .select(['id', 'accepted_at', 'subrequest_ids', 'transaction_ids', 'results', 'completed_at'])
        .where('id', '=', id)
        .where('brand_id', '=', brandId)
        .executeTakeFirst(),

    /** The channel (type) of each item, in order: read only for integrators, whose rights filter results. */
    itemTypes: async (id: string): Promise<string[]> => {
      const { rows } = await sql<{ types: string[] }>`
        SELECT ARRAY(SELECT item->>'t' FROM json_array_elements(items) AS item) AS types
          FROM bulk_requests WHERE id = ${id}`.execute(db);
      return rows[0]?.types ?? [];
    },

    /** Locks an unfinished request for processing; undefined when it is already complete (or unknown). */
    lockUnfinished: (trx: Transaction<Database>, id: string) =>
      trx
        .selectFrom('bulk_requests')
        .select(['id', 'brand_id', 'api_user_id', 'accepted_at', 'transaction_ids', 'items', 'results'])
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .forUpdate()
        .executeTakeFirst(),

    complete: (trx: Transaction<Database>, id: string, results: unknown[], completedAt: Date) =>
      trx
        .updateTable('bulk_requests')
        .set({ results: JSON.stringify(results), completed_at: completedAt })
        .where('id', '=', id)
        .execute(),

    /** A provider's latest bulk requests with their item counts, for the portal. */
    listRecentForProvider: async (providerId: number, limit: number) =>
      (
        await db
          .selectFrom('bulk_requests as r')
          .innerJoin('brands as b', 'b.id', 'r.brand_id')
          .select(['r.id', 'b.brand_code', 'r.accepted_at', 'r.completed_at'])
          .select([
            sql<number>`jsonb_array_length(r.results)`.as('total'),
            sql<number>`(SELECT count(*)::integer FROM jsonb_array_elements(r.results) x WHERE x->>'ok' = 'true')`.as(
              'succeeded',
            ),
            sql<number>`(SELECT count(*)::integer FROM jsonb_array_elements(r.results) x WHERE x->>'ok' = 'false')`.as(
              'failed',
            ),
          ])
          .where('b.provider_id', '=', providerId)
          .orderBy('r.accepted_at', 'desc')
          .limit(limit)
          .execute()
      ).map((r) => ({ ...r, total: Number(r.total) })),

    /** Requests not yet applied (accepted before `acceptedBefore`, when given), oldest first. */
    listUnfinishedIds: async (acceptedBefore?: Date): Promise<string[]> => {
      let query = db.selectFrom('bulk_requests').select('id').where('completed_at', 'is', null);
      if (acceptedBefore) query = query.where('accepted_at', '<', acceptedBefore);
      const rows = await query.orderBy('accepted_at').execute();
      return rows.map((r) => r.id);
    },

    countUnfinished: async (): Promise<number> => {
      const row = await db
        .selectFrom('bulk_requests')
        .select(sql<string>`count(*)`.as('n'))
        .where('completed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type BulkRequestRepository = ReturnType<typeof createBulkRequestRepository>;
