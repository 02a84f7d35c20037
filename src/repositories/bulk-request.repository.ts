import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { BulkRequestsTable, Database } from '../db/types.js';
import { WRITE_LANES } from '../domain/write-lanes.js';
import { fromJsonStoredItem, unpackItems, type JsonStoredItem, type StoredItem } from '../db/packed-items.js';

export function createBulkRequestRepository(db: Kysely<Database>) {
  return {
    /**
     * A request as accepted, no lane applied yet: its items as stored (sealed, packed) and its ids already
     * encoded (array literals) by the accept threads, so storing it costs this thread no per-item work.
     */
    insertBulkRequest: (
      row: Omit<
        Insertable<BulkRequestsTable>,
        'items' | 'items_packed' | 'subrequest_ids' | 'transaction_ids' | 'lanes_applied_at' | 'completed_at'
      > & { itemsPacked: Uint8Array; subrequestIdsLiteral: string; transactionIdsLiteral: string },
    ) => {
      const { itemsPacked, subrequestIdsLiteral, transactionIdsLiteral, ...columns } = row;
      return db
        .insertInto('bulk_requests')
        .values({
          ...columns,
          // A Buffer travels as binary, not as hex text.
          items_packed: Buffer.from(itemsPacked.buffer, itemsPacked.byteOffset, itemsPacked.byteLength),
          subrequest_ids: sql<string[]>`${subrequestIdsLiteral}::uuid[]`,
          transaction_ids: sql<string[]>`${transactionIdsLiteral}::text[]`,
          lanes_applied_at: Array.from({ length: WRITE_LANES }, () => null),
        })
        .execute();
    },

    findBulkRequest: async (id: string, brandId: number) => {
      const row = await db
        .selectFrom('bulk_requests')
        .select([
          'id',
          'accepted_at',
          // The ids as strings, split here: pg's text-array parser costs ~1.3 µs an id, 2.5 ms for the
          // two arrays of a 1000-item request on every status look-up (uuids and hex never hold a comma).
          sql<string>`array_to_string(subrequest_ids, ',')`.as('subrequest_ids'),
          sql<string>`array_to_string(transaction_ids, ',')`.as('transaction_ids'),
          'item_lanes',
          'lanes_left',
          'lanes_applied_at',
          'completed_at',
          'via_v2',
        ])
        .where('id', '=', id)
        .where('brand_id', '=', brandId)
        .executeTakeFirst();
      return (
        row && {
          ...row,
          subrequest_ids: splitIds(row.subrequest_ids),
          transaction_ids: splitIds(row.transaction_ids),
        }
      );
    },

    /** The items the rules refused, by position. */
    failuresOf: async (id: string): Promise<Map<number, { code: string; message: string }>> =>
      new Map(
        (
          await db
            .selectFrom('bulk_item_failures')
            .select(['item', 'code', 'message'])
            .where('request_id', '=', id)
            .execute()
        ).map((f) => [f.item, { code: f.code, message: f.message }]),
      ),

    /** The channel (type) of each item, in order: read only for integrators, whose rights filter results. */
    itemTypes: async (id: string): Promise<string[]> => {
      const row = await db
        .selectFrom('bulk_requests')
        .select(['items', 'items_packed'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? storedItemsOf(row).map((item) => item.type) : [];
    },

    brandOf: async (id: string): Promise<number | undefined> =>
      (await db.selectFrom('bulk_requests').select('brand_id').where('id', '=', id).executeTakeFirst())
        ?.brand_id,

    /**
     * A brand's oldest unfinished requests. Read without a lock (withLaneLeft, under the write locks,
     * then says what is still to do), as are their items (loadItems): items never change once stored.
     */
    listUnfinishedOfBrand: (brandId: number, limit: number) => backlogQuery(db, brandId, limit).execute(),

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
    ): Promise<Map<string, { items: StoredItem[]; transactionIds: string[] }>> => {
      const rows = await db
        .selectFrom('bulk_requests')
        // The ids as one string (see findBulkRequest).
        .select([
          'id',
          'items',
          'items_packed',
          sql<string>`array_to_string(transaction_ids, ',')`.as('transaction_ids'),
        ])
        .where('id', 'in', ids)
        .execute();
      return new Map(
        rows.map((r) => [r.id, { items: storedItemsOf(r), transactionIds: splitIds(r.transaction_ids) }]),
      );
    },

    /**
     * Those of these requests whose items of this lane are not applied yet. Read without a row lock: a
     * lane's items are only ever applied under that lane's write lock, which the caller holds.
     */
    withLaneLeft: async (trx: Transaction<Database>, ids: string[], lane: number): Promise<Set<string>> =>
      new Set(
        (
          await trx
            .selectFrom('bulk_requests')
            .select('id')
            .where('id', 'in', ids)
            .where(sql<boolean>`lanes_left & ${1 << lane} <> 0`)
            .execute()
        ).map((r) => r.id),
      ),

    /**
     * Records that these requests' items of this lane are applied, at `appliedAt`, with the ones the rules
     * refused, and completes the requests with no lane left. The bit is cleared on the row as it is when
     * the update runs, so two lanes finishing one request at the same time both keep theirs (the second
     * waits for the first's commit, then clears its bit from the committed value).
     */
    finishLane: async (
      trx: Transaction<Database>,
      done: { ids: string[]; lane: number; appliedAt: Date },
      failures: Array<{ request_id: string; item: number; code: string; message: string }>,
    ) => {
      if (done.ids.length === 0) return;
      if (failures.length > 0) await trx.insertInto('bulk_item_failures').values(failures).execute();
      const bit = 1 << done.lane;
      await sql`
        UPDATE bulk_requests
           SET lanes_left = lanes_left & ${~bit},
               lanes_applied_at[${done.lane + 1}] = ${done.appliedAt},
               completed_at = CASE WHEN lanes_left & ${~bit} = 0 THEN ${done.appliedAt}::timestamptz END
         WHERE id = ANY(${done.ids}::uuid[]) AND lanes_left & ${bit} <> 0`.execute(trx);
    },

    /** A provider's latest bulk requests with their item counts, for the portal. */
    listRecentForProvider: async (providerId: number, limit: number) =>
      (
        await db
          .selectFrom('bulk_requests as r')
          .innerJoin('brands as b', 'b.id', 'r.brand_id')
          .select(['r.id', 'b.brand_code', 'r.accepted_at', 'r.completed_at', 'r.item_lanes', 'r.lanes_left'])
          .select(
            sql<number>`(SELECT count(*)::integer FROM bulk_item_failures f WHERE f.request_id = r.id)`.as(
              'failed',
            ),
          )
          .where('b.provider_id', '=', providerId)
          .orderBy('r.accepted_at', 'desc')
          .limit(limit)
          .execute()
      ).map(({ item_lanes, lanes_left, failed, ...r }) => ({
        ...r,
        total: item_lanes.length,
        succeeded: appliedItems(item_lanes, lanes_left) - failed,
        failed,
      })),

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

/**
 * A brand's oldest unfinished requests, with each one's item count, through bulk_requests_brand_backlog_idx
 * (migration 0047): a listing reads the rows it returns, not the whole backlog of every brand.
 */
export function backlogQuery(db: Kysely<Database>, brandId: number, limit: number) {
  return (
    db
      .selectFrom('bulk_requests')
      // One byte an item: the count without reading the ids. cardinality(transaction_ids) detoasted ~64 KB
      // a request: 5.5–8.3 ms a listing of a 200-request backlog, against 0.6–1.0 ms.
      .select(['id', 'api_user_id', 'accepted_at', sql<number>`length(item_lanes)`.as('size')])
      .where('brand_id', '=', brandId)
      .where('completed_at', 'is', null)
      .orderBy('accepted_at')
      .orderBy('id')
      .limit(limit)
  );
}

/** Ids read with array_to_string(…, ','): an empty array reads as '', which is no ids, not one empty id. */
const splitIds = (joined: string): string[] => (joined === '' ? [] : joined.split(','));

/** A request's items, packed or, if accepted before migration 0049, as JSON. */
function storedItemsOf(row: { items: unknown; items_packed: Buffer | null }): StoredItem[] {
  return row.items_packed
    ? unpackItems(row.items_packed)
    : (row.items as JsonStoredItem[]).map(fromJsonStoredItem);
}

/** Whether a request's items of this lane are still to be applied (its bit in `lanes_left`). */
export const isLaneLeft = (lanesLeft: number, lane: number): boolean => (lanesLeft & (1 << lane)) !== 0;

/** How many items of a request are applied: those of the lanes no longer left. */
export function appliedItems(itemLanes: Uint8Array, lanesLeft: number): number {
  let applied = 0;
  for (const lane of itemLanes) if (!isLaneLeft(lanesLeft, lane)) applied++;
  return applied;
}
