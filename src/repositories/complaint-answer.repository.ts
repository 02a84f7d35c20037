import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/** The company's side of complaints (migration 0035): complaints naming its brands, and its answers. */
export function createComplaintAnswerRepository(db: Kysely<Database>) {
  const forBrands = (brandIds: number[]) =>
    db
      .selectFrom('complaints as c')
      .innerJoin('brands as b', 'b.id', 'c.brand_id')
      .innerJoin('recipients as r', 'r.recipient_key', 'c.recipient_key')
      .select([
        'c.id',
        'c.type',
        'c.received_at',
        'c.message_enc',
        'c.evidence',
        'c.verdict',
        'c.status',
        'c.created_at',
        'c.answer_due_at',
        'c.recipient_key',
        'r.address_enc',
        'b.id as brand_id',
        'b.brand_code',
        'b.name as brand_name',
      ])
      .where(sql<boolean>`c.brand_id = ANY(${brandIds}::int[])`);

  return {
    listForBrands: (brandIds: number[], limit: number) =>
      brandIds.length === 0
        ? Promise.resolve([])
        : forBrands(brandIds).orderBy('c.created_at', 'desc').limit(limit).execute(),

    findForBrands: (brandIds: number[], id: string) =>
      forBrands(brandIds).where('c.id', '=', id).executeTakeFirst(),

    insertAnswer: (row: {
      complaint_id: string;
      text_enc: Buffer;
      transaction_ids: string[];
      answered_by: string;
    }) =>
      db
        .insertInto('complaint_answers')
        .values(row)
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow(),

    listAnswers: (complaintIds: string[]) =>
      complaintIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('complaint_answers')
            .selectAll()
            .where('complaint_id', 'in', complaintIds)
            .orderBy('created_at')
            .execute(),
  };
}

export type ComplaintAnswerRepository = ReturnType<typeof createComplaintAnswerRepository>;
