import type { Kysely } from 'kysely';
import type { Database, IntegratorGrantsTable } from '../db/types.js';
import type { Insertable } from 'kysely';

/** Which integrators may act for which brands, with which rights. */
export function createIntegratorRepository(db: Kysely<Database>) {
  return {
    /** Grants or changes an integrator's rights on a brand. */
    upsertGrant: (row: Insertable<IntegratorGrantsTable>) =>
      db
        .insertInto('integrator_grants')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['brand_id', 'integrator_provider_id']).doUpdateSet({
            arama: row.arama,
            mesaj: row.mesaj,
            eposta: row.eposta,
            reconciliation: row.reconciliation,
          }),
        )
        .execute(),

    deleteGrant: async (brandId: number, integratorProviderId: number): Promise<boolean> =>
      (
        await db
          .deleteFrom('integrator_grants')
          .where('brand_id', '=', brandId)
          .where('integrator_provider_id', '=', integratorProviderId)
          .executeTakeFirst()
      ).numDeletedRows > 0n,

    findGrant: (brandId: number, integratorProviderId: number) =>
      db
        .selectFrom('integrator_grants')
        .selectAll()
        .where('brand_id', '=', brandId)
        .where('integrator_provider_id', '=', integratorProviderId)
        .executeTakeFirst(),

    /** The grants a provider gave, with the brand and the integrator. */
    listGivenBy: (providerId: number) =>
      db
        .selectFrom('integrator_grants as g')
        .innerJoin('brands as b', 'b.id', 'g.brand_id')
        .innerJoin('providers as i', 'i.id', 'g.integrator_provider_id')
        .selectAll('g')
        .select([
          'b.brand_code',
          'b.name as brand_name',
          'i.iys_code as integrator_code',
          'i.title as integrator_title',
        ])
        .where('b.provider_id', '=', providerId)
        .orderBy('b.brand_code')
        .execute(),

    /** The grants an integrator holds from active providers, with each brand and provider. */
    listHeldBy: (integratorProviderId: number) =>
      db
        .selectFrom('integrator_grants as g')
        .innerJoin('brands as b', 'b.id', 'g.brand_id')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .selectAll('g')
        .select(['b.brand_code', 'b.name as brand_name', 'b.master', 'p.iys_code', 'p.title'])
        .where('g.integrator_provider_id', '=', integratorProviderId)
        .where('p.status', '=', 'active')
        .orderBy('p.iys_code')
        .orderBy('b.brand_code')
        .execute(),
  };
}

export type IntegratorRepository = ReturnType<typeof createIntegratorRepository>;
