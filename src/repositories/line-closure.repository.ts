import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, LineClosureBatchesTable } from '../db/types.js';
import { byteaArray, timestamptzArray } from '../db/binary-array.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ClosureError {
  row: number;
  code: string;
  message: string;
}

/** The advisory lock (single 64-bit key space, apart from the write lanes' pairs) of closure appliers. */
const APPLIER_LOCK = 0x4c494e45n; // "LINE"

/** Line closures reported by operators, and the ONAYs they end (see migration 0033). */
export function createLineClosureRepository(db: Kysely<Database>) {
  /** Reports with their operator's name. */
  const batches = () =>
    db
      .selectFrom('line_closure_batches as b')
      .innerJoin('gateway_accounts as g', 'g.id', 'b.account_id')
      .selectAll('b')
      .select('g.name as account_name');

  return {
    insertBatch: (
      executor: Executor,
      batch: Omit<Insertable<LineClosureBatchesTable>, 'errors'> & { errors: ClosureError[] },
    ) =>
      executor
        .insertInto('line_closure_batches')
        .values({ ...batch, errors: JSON.stringify(batch.errors) })
        .execute(),

    setNewRows: (executor: Executor, id: string, rowsNew: number) =>
      executor.updateTable('line_closure_batches').set({ rows_new: rowsNew }).where('id', '=', id).execute(),

    /** Records closures not known yet; returns how many were new (the same closure twice is one). */
    insertClosures: async (
      executor: Executor,
      batchId: string,
      closures: Array<{ recipientKey: Buffer; closedAt: Date }>,
    ): Promise<number> => {
      if (closures.length === 0) return 0;
      const result = await sql`
        INSERT INTO line_closures (recipient_key, closed_at, batch_id)
        SELECT k, d, ${batchId}::uuid
        FROM unnest(${byteaArray(closures.map((c) => c.recipientKey))}::bytea[], ${timestamptzArray(closures.map((c) => c.closedAt))}::timestamptz[]) AS u(k, d)
        ON CONFLICT (recipient_key, closed_at) DO NOTHING`.execute(executor);
      return Number(result.numAffectedRows ?? 0);
    },

    /** The file an account already sent, by its digest: sending it again changes nothing. */
    findBatchByFile: (accountId: number, sha256: Buffer) =>
      db
        .selectFrom('line_closure_batches')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('file_sha256', '=', sha256)
        .executeTakeFirst(),

    /**
     * Up to `limit` closures not applied yet, optionally of one batch, for the one applier at a time. Appliers
     * take turns on an advisory lock rather than claiming rows FOR UPDATE: a row lock would start the
     * transaction's writes before it holds the consent write locks, which must come first (see lockForWrite).
     */
    claimPending: async (trx: Transaction<Database>, limit: number, batchId?: string) => {
      await sql`SELECT pg_advisory_xact_lock(${APPLIER_LOCK}::bigint)`.execute(trx);
      return trx
        .selectFrom('line_closures')
        .select(['recipient_key', 'closed_at', 'batch_id'])
        .where('applied_at', 'is', null)
        .$if(batchId !== undefined, (q) => q.where('batch_id', '=', batchId!))
        .limit(limit)
        .execute();
    },

    /** The ONAYs held for these numbers, in every brand, with the sealed address a new event carries. */
    findOnays: (trx: Transaction<Database>, keys: Buffer[]) =>
      trx
        .selectFrom('consents as c')
        .innerJoin('recipients as r', 'r.recipient_key', 'c.recipient_key')
        .select([
          'c.recipient_key',
          'c.brand_id',
          'c.recipient_type',
          'c.type',
          'c.consent_date',
          'r.address_enc',
        ])
        .where(sql<boolean>`c.recipient_key = ANY(${byteaArray(keys)}::bytea[])`)
        .where('c.status', '=', 'ONAY')
        .execute(),

    markApplied: async (
      trx: Transaction<Database>,
      applied: Array<{ recipientKey: Buffer; closedAt: Date; batchId: string; consentsClosed: number }>,
      at: Date,
    ) => {
      if (applied.length === 0) return;
      await sql`
        WITH u AS (
          SELECT * FROM unnest(${byteaArray(applied.map((a) => a.recipientKey))}::bytea[], ${timestamptzArray(applied.map((a) => a.closedAt))}::timestamptz[],
                               ${applied.map((a) => a.batchId)}::uuid[], ${applied.map((a) => a.consentsClosed)}::int[])
            AS u(k, d, b, n)
        ), closed AS (
          UPDATE line_closures l SET applied_at = ${at}, consents_closed = u.n
          FROM u WHERE l.recipient_key = u.k AND l.closed_at = u.d
        )
        UPDATE line_closure_batches b SET rows_applied = b.rows_applied + t.rows, consents_closed = b.consents_closed + t.n
        FROM (SELECT b, count(*)::int AS rows, sum(n)::int AS n FROM u GROUP BY b) t
        WHERE b.id = t.b`.execute(trx);
    },

    /**
     * The closed line no longer belongs to the citizens who proved it before its closure: their portal stops
     * showing it (its next owner proves it again and sees only what happens from then on).
     */
    unlinkCitizens: async (
      trx: Transaction<Database>,
      closures: Array<{ recipientKey: Buffer; closedAt: Date }>,
    ) => {
      if (closures.length === 0) return;
      await sql`
        DELETE FROM citizen_addresses a
        USING unnest(${byteaArray(closures.map((c) => c.recipientKey))}::bytea[], ${timestamptzArray(closures.map((c) => c.closedAt))}::timestamptz[]) AS u(k, d)
        WHERE a.recipient_key = u.k AND a.verified_at <= u.d`.execute(trx);
    },

    countPending: async (): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('line_closures')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('applied_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    findBatch: (id: string) => batches().where('b.id', '=', id).executeTakeFirst(),

    /** The latest reports of every operator, newest first. */
    listBatches: (limit: number) => batches().orderBy('b.received_at', 'desc').limit(limit).execute(),
  };
}

export type LineClosureRepository = ReturnType<typeof createLineClosureRepository>;
