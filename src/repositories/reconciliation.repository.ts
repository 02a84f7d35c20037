import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

export interface DayRange {
  brandId: number;
  from: Date;
  to: Date;
}

/** One day of a brand's movements, summarised or listed (reconciliation, iys-api.md §3.6). */
export function createReconciliationRepository(db: Kysely<Database>) {
  const ofDay = (range: DayRange) =>
    db
      .selectFrom('consent_events as e')
      .where('e.brand_id', '=', range.brandId)
      .where('e.creation_date', '>=', range.from)
      .where('e.creation_date', '<', range.to);

  return {
    /** Counts per channel and source family (HS: the provider's; IYS: the citizen's through the registry). */
    summarise: async (range: DayRange, recipientType: string) => {
      const rows = await ofDay(range)
        .where('e.recipient_type', '=', recipientType)
        .select([
          'e.type',
          sql<'HS' | 'IYS'>`CASE WHEN e.source LIKE 'IYS\\_%' THEN 'IYS' ELSE 'HS' END`.as('family'),
          sql<string>`count(*) FILTER (WHERE e.status = 'ONAY')`.as('approval'),
          sql<string>`count(*) FILTER (WHERE e.status = 'RET')`.as('rejection'),
        ])
        .groupBy(['e.type', 'family'])
        .execute();
      return rows.map((r) => ({
        type: r.type,
        source: r.family,
        approval: Number(r.approval),
        rejection: Number(r.rejection),
      }));
    },

    /** A page of the day's movements in log order, after `afterId`, with the sealed address. */
    listMovements: (range: DayRange, afterId: string, limit: number) =>
      ofDay(range)
        .innerJoin('recipients as r', 'r.recipient_key', 'e.recipient_key')
        .select([
          'e.id',
          'e.creation_date',
          'e.transaction_id',
          'e.recipient_key',
          'r.address_enc',
          'e.recipient_type',
          'e.type',
          'e.status',
          'e.consent_date',
          'e.source',
        ])
        .where('e.id', '>', afterId)
        .orderBy('e.id')
        .limit(limit)
        .execute(),
  };
}

export type ReconciliationRepository = ReturnType<typeof createReconciliationRepository>;
