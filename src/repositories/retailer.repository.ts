import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { byteaArray } from '../db/binary-array.js';
import { brandOfKeyProbe } from '../db/probe.js';
import type { Database, RetailersTable } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type RetailerRow = Selectable<RetailersTable> & { access_count: number };

/** Retailers of a brand and the consents shared with them. */
export function createRetailerRepository(db: Kysely<Database>) {
  const withAccessCount = (executor: Executor) =>
    executor
      .selectFrom('retailers as r')
      .selectAll('r')
      .select(
        sql<number>`(SELECT count(*)::integer FROM consents c
                      WHERE c.brand_id = r.brand_id AND c.retailer_access <> '{}'
                        AND c.retailer_access @> ARRAY[r.retailer_code])`.as('access_count'),
      );

  return {
    /** Serialises retailer additions of one brand (the 3000 limit is checked under this lock). */
    lockBrand: (trx: Transaction<Database>, brandId: number) =>
      trx.selectFrom('brands').select('id').where('id', '=', brandId).forUpdate().execute(),

    countForBrand: async (executor: Executor, brandId: number): Promise<number> => {
      const row = await executor
        .selectFrom('retailers')
        .select(db.fn.countAll<string>().as('n'))
        .where('brand_id', '=', brandId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    insertRetailer: (executor: Executor, row: Insertable<RetailersTable>) =>
      executor.insertInto('retailers').values(row).returning('retailer_code').executeTakeFirstOrThrow(),

    listForBrand: (brandId: number, page: { offset: number; limit: number }, onlyActive: boolean) => {
      let query = withAccessCount(db).where('r.brand_id', '=', brandId);
      if (onlyActive) query = query.where('r.status', '=', 'active');
      return query.orderBy('r.id').offset(page.offset).limit(page.limit).execute();
    },

    countListed: async (brandId: number, onlyActive: boolean): Promise<number> => {
      let query = db
        .selectFrom('retailers')
        .select(db.fn.countAll<string>().as('n'))
        .where('brand_id', '=', brandId);
      if (onlyActive) query = query.where('status', '=', 'active');
      return Number((await query.executeTakeFirstOrThrow()).n);
    },

    findByCode: (brandId: number, retailerCode: number) =>
      withAccessCount(db)
        .where('r.brand_id', '=', brandId)
        .where('r.retailer_code', '=', retailerCode)
        .executeTakeFirst(),

    /** A retailer of any of the provider's brands. */
    findForProvider: (providerId: number, retailerCode: number) =>
      db
        .selectFrom('retailers as r')
        .innerJoin('brands as b', 'b.id', 'r.brand_id')
        .select(['r.id', 'r.retailer_code', 'r.title'])
        .where('b.provider_id', '=', providerId)
        .where('r.retailer_code', '=', retailerCode)
        .executeTakeFirst(),

    listByCodes: (brandId: number, codes: number[]) =>
      codes.length === 0
        ? Promise.resolve([])
        : withAccessCount(db)
            .where('r.brand_id', '=', brandId)
            .where('r.retailer_code', 'in', codes)
            .orderBy('r.retailer_code')
            .execute(),

    /** Which of these codes are retailers of the brand. */
    findExistingCodes: async (executor: Executor, brandId: number, codes: number[]): Promise<Set<number>> => {
      if (codes.length === 0) return new Set();
      const rows = await executor
        .selectFrom('retailers')
        .select('retailer_code')
        .where('brand_id', '=', brandId)
        .where('retailer_code', 'in', codes)
        .execute();
      return new Set(rows.map((r) => r.retailer_code));
    },

    /** Marks retailers as ever linked to a consent; from then on they cannot be deleted. */
    markLinked: async (executor: Executor, brandId: number, codes: number[]): Promise<void> => {
      if (codes.length === 0) return;
      await executor
        .updateTable('retailers')
        .set({ linked: true })
        .where('brand_id', '=', brandId)
        .where('retailer_code', 'in', codes)
        .where('linked', '=', false)
        .execute();
    },

    /** Deletes a never-linked retailer; false when it was linked (or does not exist). */
    deleteUnlinked: async (brandId: number, retailerCode: number): Promise<boolean> => {
      const result = await db
        .deleteFrom('retailers')
        .where('brand_id', '=', brandId)
        .where('retailer_code', '=', retailerCode)
        .where('linked', '=', false)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    /** The current consents of these identities, for access changes. */
    findConsents: (
      executor: Executor,
      brandId: number,
      keys: Buffer[],
      recipientType: string,
      type: string,
    ) =>
      executor
        .selectFrom('consents')
        .select(['recipient_key', 'retailer_access', 'retailer_code', 'transaction_id'])
        .where(brandOfKeyProbe(brandId))
        .where('recipient_type', '=', recipientType)
        .where('type', '=', type)
        .where(sql<boolean>`recipient_key = ANY(${byteaArray(keys)}::bytea[])`)
        .execute(),

    setAccess: (
      executor: Executor,
      brandId: number,
      key: Buffer,
      recipientType: string,
      type: string,
      access: number[],
    ) =>
      executor
        .updateTable('consents')
        .set({ retailer_access: access })
        .where(brandOfKeyProbe(brandId))
        .where('recipient_key', '=', key)
        .where('recipient_type', '=', recipientType)
        .where('type', '=', type)
        .execute(),

    /** Consents a retailer may see: those it mediated or was given access to, newest first. */
    listVisibleTo: (brandId: number, retailerCode: number, page: { offset: number; limit: number }) =>
      db
        .selectFrom('consents as c')
        .innerJoin('recipients as r', 'r.recipient_key', 'c.recipient_key')
        .select([
          'c.recipient_key',
          'r.address_enc',
          'c.recipient_type',
          'c.type',
          'c.status',
          'c.source',
          'c.consent_date',
        ])
        .where('c.brand_id', '=', brandId)
        .where((eb) =>
          eb.or([
            eb('c.retailer_code', '=', retailerCode),
            eb.and([
              sql<boolean>`c.retailer_access <> '{}'`,
              sql<boolean>`c.retailer_access @> ARRAY[${retailerCode}::integer]`,
            ]),
          ]),
        )
        .orderBy('c.last_event_id', 'desc')
        .offset(page.offset)
        .limit(page.limit)
        .execute(),
  };
}

export type RetailerRepository = ReturnType<typeof createRetailerRepository>;
