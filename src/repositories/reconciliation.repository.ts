import { sql, type Kysely } from 'kysely';
import { addressOfRecipient } from '../db/probe.js';
import type { Database } from '../db/types.js';

export interface DayRange {
  brandId: number;
  from: Date;
  to: Date;
}

/** A brand's movements of one day (through the brand-day index, migration 0044). */
const ofDay = (db: Kysely<Database>, range: DayRange) =>
  db
    .selectFrom('consent_events as e')
    .where('e.brand_id', '=', range.brandId)
    .where('e.creation_date', '>=', range.from)
    .where('e.creation_date', '<', range.to);

/**
 * A page of a brand's day of movements in the order they were recorded (creationDate, then id), after the
 * movement `afterId`, with the sealed address. A page reads its own rows through the brand-day index, the
 * cursor's position by its id, and each address by its key (addressOfRecipient).
 */
export function dayMovementsPage(
  db: Kysely<Database>,
  range: DayRange,
  afterId: string | null,
  limit: number,
) {
  return ofDay(db, range)
    .select([
      'e.id',
      'e.creation_date',
      'e.transaction_id',
      'e.recipient_key',
      'e.recipient_type',
      'e.type',
      'e.status',
      'e.consent_date',
      'e.source',
    ])
    .select(addressOfRecipient('e.recipient_key').as('address_enc'))
    .$if(afterId !== null, (q) =>
      q.where(
        sql<boolean>`(e.creation_date, e.id) > ((SELECT c.creation_date FROM consent_events c WHERE c.id = ${afterId}), ${afterId}::bigint)`,
      ),
    )
    .orderBy('e.creation_date')
    .orderBy('e.id')
    .limit(limit);
}

/** One day of a brand's movements, summarised or listed (reconciliation, iys-api.md §3.6). */
export function createReconciliationRepository(db: Kysely<Database>) {
  return {
    /** Counts per channel and source family (HS: the provider's; IYS: the citizen's through the registry). */
    summarise: async (range: DayRange, recipientType: string) => {
      const rows = await ofDay(db, range)
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

    /** A page of the day's movements, after `afterId`, with the sealed address. */
    listMovements: (range: DayRange, afterId: string | null, limit: number) =>
      dayMovementsPage(db, range, afterId, limit).execute(),
  };
}

export type ReconciliationRepository = ReturnType<typeof createReconciliationRepository>;
