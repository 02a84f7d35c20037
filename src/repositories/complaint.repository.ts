import type { Kysely, Selectable } from 'kysely';
import type { ComplaintsTable, Database } from '../db/types.js';

export type ComplaintRow = Selectable<ComplaintsTable>;

export interface ComplaintFilter {
  province?: string;
  brandCode?: number;
  iysCode?: number;
  verdict?: string;
  status?: string;
}

export function createComplaintRepository(db: Kysely<Database>) {
  const withBrand = () =>
    db
      .selectFrom('complaints as c')
      .innerJoin('brands as b', 'b.id', 'c.brand_id')
      .innerJoin('providers as p', 'p.id', 'b.provider_id')
      .selectAll('c')
      .select(['b.brand_code', 'b.name as brand_name', 'p.iys_code', 'p.title as company']);

  return {
    insertComplaint: (
      row: Omit<ComplaintRow, 'created_at' | 'status' | 'decided_at' | 'decided_by' | 'decision_note_enc'>,
    ) =>
      db
        .insertInto('complaints')
        .values({ ...row, evidence: JSON.stringify(row.evidence) })
        .execute(),

    listForCitizen: (citizenId: string) =>
      withBrand().where('c.citizen_id', '=', citizenId).orderBy('c.created_at', 'desc').execute(),

    findForCitizen: (citizenId: string, id: string) =>
      withBrand().where('c.citizen_id', '=', citizenId).where('c.id', '=', id).executeTakeFirst(),

    findById: (id: string) => withBrand().where('c.id', '=', id).executeTakeFirst(),

    decide: (
      id: string,
      decision: { status: string; decided_by: string; decided_at: Date; decision_note_enc: Buffer | null },
    ) => db.updateTable('complaints').set(decision).where('id', '=', id).execute(),

    list: (filter: ComplaintFilter, limit: number, offset: number) => {
      let query = withBrand();
      if (filter.province !== undefined) query = query.where('c.province', '=', filter.province);
      if (filter.brandCode !== undefined) query = query.where('b.brand_code', '=', filter.brandCode);
      if (filter.iysCode !== undefined) query = query.where('p.iys_code', '=', filter.iysCode);
      if (filter.verdict !== undefined) query = query.where('c.verdict', '=', filter.verdict);
      if (filter.status !== undefined) query = query.where('c.status', '=', filter.status);
      return query.orderBy('c.created_at', 'desc').limit(limit).offset(offset).execute();
    },

    /**
     * A citizen's reply to a request for more information; the complaint goes back to the regulator's
     * queue. Only while information is asked for: false otherwise, and nothing is stored.
     */
    addReply: (complaintId: string, textEnc: Buffer) =>
      db.transaction().execute(async (trx) => {
        const reopened = await trx
          .updateTable('complaints')
          .set({ status: 'received' })
          .where('id', '=', complaintId)
          .where('status', '=', 'needs_information')
          .executeTakeFirst();
        if (reopened.numUpdatedRows !== 1n) return false;
        await trx
          .insertInto('complaint_replies')
          .values({ complaint_id: complaintId, text_enc: textEnc })
          .execute();
        return true;
      }),

    listReplies: (complaintIds: string[]) =>
      complaintIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('complaint_replies')
            .select(['complaint_id', 'text_enc', 'created_at'])
            .where('complaint_id', 'in', complaintIds)
            .orderBy('id')
            .execute(),

    findScreenshot: (id: string) =>
      db
        .selectFrom('complaints')
        .select(['screenshot_enc', 'screenshot_type'])
        .where('id', '=', id)
        .executeTakeFirst(),

    findRegulatorKey: (keyHash: Buffer) =>
      db
        .selectFrom('regulator_keys')
        .select(['name', 'role'])
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),

    insertRegulatorKey: (keyHash: Buffer, name: string, role: 'admin' | 'regulator') =>
      db.insertInto('regulator_keys').values({ key_hash: keyHash, name, role }).execute(),
  };
}

export type ComplaintRepository = ReturnType<typeof createComplaintRepository>;
