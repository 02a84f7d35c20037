import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { BrandsTable, Database, ProvidersTable } from '../db/types.js';
import { isInt4 } from '../domain/int4.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type ProviderRow = Selectable<ProvidersTable>;
export type BrandRow = Selectable<BrandsTable>;

export interface BrandWithStats extends BrandRow {
  approval: number;
  rejection: number;
}

export function createProviderRepository(db: Kysely<Database>) {
  return {
    countProviders: async (): Promise<number> => {
      const row = await db
        .selectFrom('providers')
        .select(db.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    findProviderById: (id: number) =>
      db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst(),

    findProviderByIysCode: async (iysCode: number) =>
      isInt4(iysCode)
        ? db.selectFrom('providers').selectAll().where('iys_code', '=', iysCode).executeTakeFirst()
        : undefined,

    insertProvider: (row: Insertable<ProvidersTable>, executor: Executor = db) =>
      executor.insertInto('providers').values(row).returningAll().executeTakeFirstOrThrow(),

    insertBrand: (
      row: { brand_code: number; provider_id: number; name: string; master: boolean },
      executor: Executor = db,
    ) => executor.insertInto('brands').values(row).returningAll().executeTakeFirstOrThrow(),

    findProviderOfBrand: (brandId: number) =>
      db
        .selectFrom('providers as p')
        .innerJoin('brands as b', 'b.provider_id', 'p.id')
        .selectAll('p')
        .where('b.id', '=', brandId)
        .executeTakeFirst(),

    /** Suspending a provider also ends its people's portal sessions: a reactivation revives none. */
    setProviderStatus: async (iysCode: number, status: ProviderRow['status']): Promise<boolean> => {
      if (!isInt4(iysCode)) return false;
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('providers')
          .set({ status })
          .where('iys_code', '=', iysCode)
          .returning('id')
          .executeTakeFirst();
        if (!updated) return false;
        if (status !== 'active')
          await trx
            .deleteFrom('portal_sessions')
            .where('portal_user_id', 'in', (eb) =>
              eb.selectFrom('portal_users').select('id').where('provider_id', '=', updated.id),
            )
            .execute();
        return true;
      });
    },

    findBrandById: (id: number) =>
      db
        .selectFrom('brands as b')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .selectAll('b')
        .select('p.title as company')
        .where('b.id', '=', id)
        .executeTakeFirst(),

    listAllBrands: () =>
      db
        .selectFrom('brands as b')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .selectAll('b')
        .select('p.title as company')
        .where('p.status', '=', 'active')
        .orderBy('b.name')
        .execute(),

    /**
     * Brands whose name contains `text`, for a citizen choosing one by name. Turkish dotted and dotless I
     * match either way (`ı`, `I`, `İ`, `i` are one letter here), whatever the database's collation.
     */
    searchBrandsByName: (text: string, limit: number) => {
      const folded = text.replace(/[İIı]/g, 'i').replace(/[\\%_]/g, (c) => `\\${c}`);
      return db
        .selectFrom('brands as b')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .select(['b.brand_code', 'b.name', 'p.title as company'])
        .where('p.status', '=', 'active')
        .where(sql<boolean>`translate(b.name, 'İIı', 'iii') ILIKE ${`%${folded}%`}`)
        .orderBy('b.name')
        .limit(limit)
        .execute();
    },

    /** The ids of a company's brands (what its portal users may see of complaints and evidence). */
    listBrandIds: async (providerId: number): Promise<number[]> =>
      (await db.selectFrom('brands').select('id').where('provider_id', '=', providerId).execute()).map(
        (b) => b.id,
      ),

    findBrandByCode: async (brandCode: number) =>
      isInt4(brandCode)
        ? db.selectFrom('brands').selectAll().where('brand_code', '=', brandCode).executeTakeFirst()
        : undefined,

    /** The names of a company's brands, but one (the brand being renamed): for the duplicate-name rule. */
    brandNamesOf: async (providerId: number, exceptBrandCode?: number): Promise<string[]> => {
      const rows = await db
        .selectFrom('brands')
        .select('name')
        .where('provider_id', '=', providerId)
        .where('brand_code', '!=', exceptBrandCode ?? -1)
        .execute();
      return rows.map((row) => row.name);
    },

    /** Blocks (a time and a reason) or lifts (nulls) the regulator's block on a brand. */
    setBrandBlock: (brandId: number, block: { at: Date; reason: string } | null) =>
      db
        .updateTable('brands')
        .set({ blocked_at: block?.at ?? null, blocked_reason: block?.reason ?? null })
        .where('id', '=', brandId)
        .execute(),

    renameBrand: async (providerId: number, brandCode: number, name: string): Promise<boolean> => {
      if (!isInt4(brandCode)) return false;
      const result = await db
        .updateTable('brands')
        .set({ name })
        .where('brand_code', '=', brandCode)
        .where('provider_id', '=', providerId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /**
     * The next free code from the registry sequence; codes already taken by hand (CLI, sandbox) are skipped.
     */
    nextRegistryCode: async (executor: Executor): Promise<number> => {
      for (;;) {
        const { rows } = await sql<{ code: string; taken: boolean }>`
          SELECT c.code, EXISTS (SELECT 1 FROM providers WHERE iys_code = c.code)
                      OR EXISTS (SELECT 1 FROM brands WHERE brand_code = c.code) AS taken
          FROM (SELECT nextval('registry_code_seq')::integer AS code) c`.execute(executor);
        if (!rows[0]!.taken) return Number(rows[0]!.code);
      }
    },
    /** Current consents of a provider per brand, channel and status, for the portal's overview. */
    countConsentsByChannel: async (providerId: number) => {
      const rows = await db
        .selectFrom('consents as c')
        .innerJoin('brands as b', 'b.id', 'c.brand_id')
        .select(['b.brand_code', 'c.type', 'c.status', db.fn.countAll<string>().as('n')])
        .where('b.provider_id', '=', providerId)
        .groupBy(['b.brand_code', 'c.type', 'c.status'])
        .execute();
      return rows.map((r) => ({
        brandCode: r.brand_code,
        type: r.type,
        status: r.status,
        count: Number(r.n),
      }));
    },

    /** Brands with their consent counts, in one grouped query rather than one per brand. */
    listBrandsWithStats: async (providerId: number): Promise<BrandWithStats[]> => {
      const rows = await db
        .selectFrom('brands as b')
        .leftJoin('consents as c', 'c.brand_id', 'b.id')
        .selectAll('b')
        .select([
          sql<string>`count(c.brand_id) FILTER (WHERE c.status = 'ONAY')`.as('approval'),
          sql<string>`count(c.brand_id) FILTER (WHERE c.status = 'RET')`.as('rejection'),
        ])
        .where('b.provider_id', '=', providerId)
        .groupBy('b.id')
        .orderBy('b.brand_code')
        .execute();
      return rows.map((r) => ({ ...r, approval: Number(r.approval), rejection: Number(r.rejection) }));
    },
  };
}

export type ProviderRepository = ReturnType<typeof createProviderRepository>;
