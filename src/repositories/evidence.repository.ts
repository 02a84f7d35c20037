import { sql, type Insertable, type Kysely } from 'kysely';
import type { ConsentEvidenceTable, Database } from '../db/types.js';

const listed = [
  'id',
  'event_id',
  'transaction_id',
  'media_type',
  'bytes',
  'sha256',
  'actor_id',
  'created_at',
] as const;

/** Evidence attached to consent movements (migration 0035); the content is read only for a download. */
export function createEvidenceRepository(db: Kysely<Database>) {
  return {
    /** The movement a transaction id names in a brand (the evidence's anchor). */
    findEvent: (brandId: number, transactionId: string) =>
      db
        .selectFrom('consent_events')
        .select(['id', 'brand_id', 'recipient_key', 'transaction_id'])
        .where('transaction_id', '=', transactionId)
        .where('brand_id', '=', brandId)
        .executeTakeFirst(),

    findSame: (eventId: string, sha256: Buffer) =>
      db
        .selectFrom('consent_evidence')
        .select(listed)
        .where('event_id', '=', eventId)
        .where('sha256', '=', sha256)
        .executeTakeFirst(),

    insert: (row: Omit<Insertable<ConsentEvidenceTable>, 'id' | 'tx'>) =>
      db
        .insertInto('consent_evidence')
        .values(row)
        .onConflict((oc) => oc.columns(['event_id', 'sha256']).doNothing())
        .returning(listed)
        .executeTakeFirst(),

    /** The evidence of these movements of a brand, oldest first. */
    listForTransactions: async (brandId: number, transactionIds: string[]) =>
      transactionIds.length === 0
        ? []
        : db
            .selectFrom('consent_evidence')
            .select(listed)
            .where('brand_id', '=', brandId)
            .where(sql<boolean>`transaction_id = ANY(${transactionIds}::text[])`)
            .orderBy('id')
            .execute(),

    findContent: (id: string) =>
      db
        .selectFrom('consent_evidence')
        .select([...listed, 'brand_id', 'content_enc'])
        .where('id', '=', id)
        .executeTakeFirst(),
  };
}

export type EvidenceRepository = ReturnType<typeof createEvidenceRepository>;
