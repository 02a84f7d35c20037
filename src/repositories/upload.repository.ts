import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ConsentUploadsTable, Database } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type UploadRow = Selectable<ConsentUploadsTable>;

/** Uploaded consent files: their encrypted chunks, progress and per-row errors. */
export function createUploadRepository(db: Kysely<Database>) {
  return {
    insertUpload: (row: Insertable<ConsentUploadsTable>) =>
      db.insertInto('consent_uploads').values(row).execute(),

    insertChunk: (uploadId: string, seq: number, data: Buffer) =>
      db.insertInto('consent_upload_chunks').values({ upload_id: uploadId, seq, data }).execute(),

    readChunk: async (uploadId: string, seq: number): Promise<Buffer | undefined> =>
      (
        await db
          .selectFrom('consent_upload_chunks')
          .select('data')
          .where('upload_id', '=', uploadId)
          .where('seq', '=', seq)
          .executeTakeFirst()
      )?.data,

    /** The stored chunks' sizes (sealed), in order: where each chunk's bytes sit in the file. */
    listChunkSizes: async (uploadId: string): Promise<{ seq: number; bytes: number }[]> =>
      (
        await db
          .selectFrom('consent_upload_chunks')
          .select(['seq', sql<number>`octet_length(data)`.as('bytes')])
          .where('upload_id', '=', uploadId)
          .orderBy('seq')
          .execute()
      ).map((row) => ({ seq: row.seq, bytes: Number(row.bytes) })),

    /** The stored file is complete and waits for a worker; until then it is invisible to them. */
    finishReceiving: (
      uploadId: string,
      file: { format: 'csv' | 'xlsx'; file_sha256: Buffer; file_bytes: number; total_rows: number | null },
    ) =>
      db
        .updateTable('consent_uploads')
        .set({ ...file, status: 'queued' })
        .where('id', '=', uploadId)
        .execute(),

    /** Another live upload of exactly this file for this brand, if any. */
    findSameFile: (brandId: number, sha256: Buffer, exceptId: string) =>
      db
        .selectFrom('consent_uploads')
        .select('id')
        .where('brand_id', '=', brandId)
        .where('file_sha256', '=', sha256)
        .where('status', 'in', ['queued', 'processing', 'completed'])
        .where('id', '<>', exceptId)
        .executeTakeFirst(),

    /** Uploads still 'receiving' long after they began: the server died while the file was arriving. */
    deleteStaleReceiving: (receivedBefore: Date) =>
      db
        .deleteFrom('consent_uploads')
        .where('status', '=', 'receiving')
        .where('received_at', '<', receivedBefore)
        .execute(),

    deleteUpload: (uploadId: string) => db.deleteFrom('consent_uploads').where('id', '=', uploadId).execute(),

    findUpload: (providerId: number, uploadId: string) =>
      db
        .selectFrom('consent_uploads as u')
        .innerJoin('brands as b', 'b.id', 'u.brand_id')
        .selectAll('u')
        .select('b.brand_code')
        .where('u.provider_id', '=', providerId)
        .where('u.id', '=', uploadId)
        .executeTakeFirst(),

    listUploads: (providerId: number) =>
      db
        .selectFrom('consent_uploads as u')
        .innerJoin('brands as b', 'b.id', 'u.brand_id')
        .selectAll('u')
        .select('b.brand_code')
        .where('u.provider_id', '=', providerId)
        .orderBy('u.received_at', 'desc')
        .limit(50)
        .execute(),

    /**
     * Takes an upload for processing unless another worker holds its lease; returns it with the provider's
     * activation date (the upload-deadline rule needs it). `ownLease` is a lease this process let go of
     * while the database was away: whoever holds it has no write left running, so it is retaken at once.
     */
    claim: async (uploadId: string, now: Date, leaseMs: number, ownLease?: string) => {
      const claimed = await db
        .updateTable('consent_uploads')
        .set({
          status: 'processing',
          locked_until: new Date(now.getTime() + leaseMs),
          lease_token: sql<string>`gen_random_uuid()`,
          started_at: sql`coalesce(started_at, ${now}::timestamptz)`,
        })
        .where('id', '=', uploadId)
        .where('status', 'in', ['queued', 'processing'])
        .where((eb) =>
          eb.or([
            eb('locked_until', 'is', null),
            eb('locked_until', '<', now),
            ...(ownLease ? [eb('lease_token', '=', ownLease)] : []),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      if (!claimed) return undefined;
      const provider = await db
        .selectFrom('providers')
        .select('activated_at')
        .where('id', '=', claimed.provider_id)
        .executeTakeFirstOrThrow();
      // This claim drew the token, so it is set.
      return { ...claimed, lease_token: claimed.lease_token!, activated_at: provider.activated_at };
    },

    /**
     * Counts a lane's batch as done, in the transaction that applied it, moves the lane's mark to the
     * batch's last row and renews the lease. False when the upload is no longer this lease's (cancelled or
     * finished meanwhile, or taken over by another worker after the lease ran out): the caller rolls the
     * batch back.
     */
    recordProgress: async (
      trx: Transaction<Database>,
      uploadId: string,
      leaseToken: string,
      progress: {
        lane: number;
        through: number;
        rows: number;
        applied: number;
        failed: number;
        lockedUntil: Date;
      },
    ): Promise<boolean> => {
      const result = await sql`
        UPDATE consent_uploads
           SET rows_done = rows_done + ${progress.rows},
               rows_applied = rows_applied + ${progress.applied},
               rows_failed = rows_failed + ${progress.failed},
               lane_rows_done[${progress.lane + 1}] = ${progress.through},
               locked_until = ${progress.lockedUntil}
         WHERE id = ${uploadId} AND status = 'processing' AND lease_token = ${leaseToken}::uuid`.execute(trx);
      return (result.numAffectedRows ?? 0n) > 0n;
    },

    insertErrors: async (
      executor: Executor,
      uploadId: string,
      errors: { row_number: number; code: string; message: string; field: string | null }[],
    ): Promise<void> => {
      if (errors.length === 0) return;
      await executor
        .insertInto('consent_upload_errors')
        .values(errors.map((e) => ({ upload_id: uploadId, ...e })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    setTotalRows: (uploadId: string, totalRows: number) =>
      db.updateTable('consent_uploads').set({ total_rows: totalRows }).where('id', '=', uploadId).execute(),

    /**
     * Finished: the file itself is deleted, only counts and errors remain. Only an upload still waiting or
     * in progress can finish (a cancelled one stays cancelled); false if it was not.
     */
    finish: async (
      uploadId: string,
      outcome: {
        status: 'completed' | 'failed' | 'cancelled';
        failure: string | null;
        failureCode?: string;
        now: Date;
      },
      providerId?: number,
    ): Promise<boolean> =>
      db.transaction().execute(async (trx) => {
        let update = trx
          .updateTable('consent_uploads')
          .set({
            status: outcome.status,
            failure: outcome.failure,
            failure_code: outcome.failureCode ?? null,
            finished_at: outcome.now,
            locked_until: null,
          })
          .where('id', '=', uploadId)
          .where('status', 'in', ['queued', 'processing']);
        if (providerId !== undefined) update = update.where('provider_id', '=', providerId);
        const result = await update.executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await trx.deleteFrom('consent_upload_chunks').where('upload_id', '=', uploadId).execute();
        return true;
      }),

    isUnfinished: async (uploadId: string): Promise<boolean> =>
      (await db
        .selectFrom('consent_uploads')
        .select('id')
        .where('id', '=', uploadId)
        .where('status', 'in', ['queued', 'processing'])
        .executeTakeFirst()) !== undefined,

    /** Lets the lease go, if it is still this one: the next claim may take the upload at once. */
    releaseLease: (uploadId: string, leaseToken: string) =>
      db
        .updateTable('consent_uploads')
        .set({ locked_until: null, lease_token: null })
        .where('id', '=', uploadId)
        .where('lease_token', '=', leaseToken)
        .execute(),

    listUnfinished: async (): Promise<
      { id: string; locked_until: Date | null; lease_token: string | null; received_at: Date }[]
    > =>
      db
        .selectFrom('consent_uploads')
        .select(['id', 'locked_until', 'lease_token', 'received_at'])
        .where('status', 'in', ['queued', 'processing'])
        .execute(),

    /** The error report, in row order, a page at a time. */
    listErrors: (uploadId: string, afterRow: number, limit: number) =>
      db
        .selectFrom('consent_upload_errors')
        .select(['row_number', 'code', 'message', 'field'])
        .where('upload_id', '=', uploadId)
        .where('row_number', '>', afterRow)
        .orderBy('row_number')
        .orderBy('code')
        .limit(limit)
        .execute(),
  };
}

export type UploadRepository = ReturnType<typeof createUploadRepository>;
