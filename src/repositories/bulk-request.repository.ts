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
      via_v2: boolean;
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
        .select([
          'id',
          'accepted_at',
          'subrequest_ids',
          'transaction_ids',
          'results',
          'completed_at',
          'via_v2',
        ])
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

    brandOf: async (id: string): Promise<number | undefined> =>
      (await db.selectFrom('bulk_requests').select('brand_id').where('id', '=', id).executeTakeFirst())
        ?.brand_id,

    /**
     * A brand's oldest unfinished requests. Read without a lock (readUnfinishedResults, under the write
     * locks, then says what is still to do), as are their items (loadItems): items never change once stored.
     */
    listUnfinishedOfBrand: (brandId: number, limit: number) =>
      db
        .selectFrom('bulk_requests')
        // The count, not the ids: parsing 50 arrays of 1000 ids on every look would cost more than applying.
        .select(['id', 'api_user_id', 'accepted_at', sql<number>`cardinality(transaction_ids)`.as('size')])
        .where('brand_id', '=', brandId)
        .where('completed_at', 'is', null)
        .orderBy('accepted_at')
        .orderBy('id')
        .limit(limit)
        .execute(),

    isUnfinished: async (id: string): Promise<boolean> =>
      (await db
        .selectFrom('bulk_requests')
        .select('id')
        .where('id', '=', id)
        .where('completed_at', 'is', null)
        .executeTakeFirst()) !== undefined,

    /** The stored items of these requests and their transaction ids. */
    loadItems: async (
      ids: string[],
    ): Promise<Map<string, { items: unknown[]; transactionIds: string[] }>> => {
      const rows = await db
        .selectFrom('bulk_requests')
        .select(['id', 'items', 'transaction_ids'])
        .where('id', 'in', ids)
        .execute();
      return new Map(
        rows.map((r) => [r.id, { items: r.items as unknown[], transactionIds: r.transaction_ids }]),
      );
    },

    /**
     * The results so far of those of these requests still unfinished. Read without a row lock: each lane's
     * items are only ever written under that lane's write lock, which the caller holds.
     */
    readUnfinishedResults: (trx: Transaction<Database>, ids: string[]) =>
      trx
        .selectFrom('bulk_requests')
        .select(['id', 'results'])
        .where('id', 'in', ids)
        .where('completed_at', 'is', null)
        .execute(),

    /**
     * Stores results of some items of several requests, and completes those with none left to apply. The
     * merge is computed from the row as it is when the update runs, so two lanes storing their items' results
     * at the same time both keep theirs (the second waits for the first's commit, then merges into it).
     */
    storeResults: async (
      trx: Transaction<Database>,
      updates: Array<{ id: string; results: Record<number, unknown> }>,
      completedAt: Date,
    ) => {
      if (updates.length === 0) return;
      await sql`
        UPDATE bulk_requests r
        SET results = (SELECT jsonb_agg(coalesce(u.value, o.value) ORDER BY o.n)
                       FROM jsonb_array_elements(r.results) WITH ORDINALITY AS o(value, n)
                       LEFT JOIN jsonb_each(d.updates) AS u(key, value) ON u.key::bigint = o.n - 1)
        FROM unnest(${updates.map((u) => u.id)}::uuid[], ${updates.map((u) => JSON.stringify(u.results))}::jsonb[])
          AS d(id, updates)
        WHERE r.id = d.id`.execute(trx);
      await sql`
        UPDATE bulk_requests SET completed_at = ${completedAt}
        WHERE id = ANY(${updates.map((u) => u.id)}::uuid[]) AND completed_at IS NULL
          AND NOT results @> '[null]'::jsonb`.execute(trx);
    },

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
