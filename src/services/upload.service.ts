import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { errorOf, type UploadError } from '../domain/upload-row.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { UploadRepository, UploadRow } from '../repositories/upload.repository.js';
import {
  lockForWrite,
  withRefusalsOneByOne,
  type BatchWriter,
  type NoticeQueue,
  type WriterDeps,
} from './consent-writer.js';
import type { PortalSession } from './portal-account.service.js';
import { countRows, readRows } from './uploads/upload-reader.js';
import { openStoredFile, storeFile } from './uploads/stored-file.js';
import { presentUpload } from './uploads/upload-view.js';
import { isUuid } from '../domain/uuid.js';
import { DEFAULT_UPLOAD_MAX_MB, FileRejected } from '../domain/upload-limits.js';
import { codeOf } from '../domain/scalars.js';
import { laneOf, WRITE_LANES } from '../domain/write-lanes.js';
import {
  createLaneWrites,
  FAILED_ROWS_LANE,
  lanePartsOf,
  newBatch,
  type LanePart,
} from './uploads/upload-batches.js';
import { handOversOf, type FileRead } from './uploads/hand-overs.js';
import { sealedConsentOf } from './uploads/prepare-rows.js';
import type { BulkPreparer } from './bulk-accept/accept-pool.js';

/** Rows read before a batch goes to the writers: ~5000 a lane, a transaction's fixed cost spread thin. */
const ROWS_PER_BATCH = 10_000;
const LEASE_MS = 60_000;

/** Hands a stored upload to the background worker (pg-boss). */
export interface UploadQueue {
  enqueue(uploadId: string, afterSeconds?: number): Promise<void>;
}

/**
 * Consent files (CSV or XLSX) uploaded in the portal. Receiving streams the file into encrypted 1 MB chunks
 * (never whole in memory, never plaintext at rest); a worker then applies it in batches with the same rules
 * as the API, each batch's write lanes at once in a transaction apiece, which counts the lane's progress, so
 * a restart resumes exactly where each lane stopped. Valid rows are applied even when others fail; every
 * failure is kept with its row.
 */
export function createUploadService(deps: {
  db: Kysely<Database>;
  uploads: UploadRepository;
  providers: ProviderRepository;
  writer: WriterDeps;
  cipher: FieldCipher;
  /** Prepares the rows (validation, seal) on an accept thread, or inline. */
  preparer: Pick<BulkPreparer, 'prepareUploadRows'>;
  queue: UploadQueue;
  notices: NoticeQueue;
  /** The largest file accepted, in bytes (OPENIYS_UPLOAD_MAX_MB). */
  maxBytes?: number;
  /** Told when the database refuses a lane's rows (see applyLanePart). */
  logger?: Pick<Logger, 'error'>;
  /** Rows per batch (default ROWS_PER_BATCH); tests lower it to stop an upload between batches. */
  rowsPerBatch?: number;
  clock?: () => Date;
}) {
  const { db, uploads, providers, writer, cipher, preparer, queue, notices, clock = () => new Date() } = deps;
  const maxBytes = deps.maxBytes ?? DEFAULT_UPLOAD_MAX_MB * 1024 * 1024;
  const rowsPerBatch = deps.rowsPerBatch ?? ROWS_PER_BATCH;
  const aad = (uploadId: string, seq: number) => Buffer.from(`upload:${uploadId}:${seq}`);
  /** Leases this process could not let go of (the database was away), by upload: its next try retakes them. */
  const abandonedLeases = new Map<string, string>();

  const storedFile = (uploadId: string) =>
    openStoredFile(uploadId, { uploads, cipher, aad: (seq) => aad(uploadId, seq) });

  /**
   * Applies one lane's part of a batch (unique identities) and counts it, in one transaction: its rows,
   * the rows of the batch that failed before reaching a lane (lane 0 takes those), and the lane's new mark.
   * If the database refuses the part's data itself (isDataRefusal), it is applied again row by row
   * (writeOneByOne): a row it still refuses fails with H923, instead of the upload failing at every retry.
   */
  const applyLanePart = (upload: UploadToApply, part: LanePart): Promise<void> =>
    withRefusalsOneByOne(
      (write) => applyPart(upload, part, write),
      (error) =>
        deps.logger?.error(
          { err: error, uploadId: upload.id, lane: part.lane },
          'the database refused an upload lane; applying its rows one by one',
        ),
    );

  async function applyPart(upload: UploadToApply, part: LanePart, write: BatchWriter): Promise<void> {
    const result = await db.transaction().execute(async (trx) => {
      const lock = await lockForWrite(trx, writer, [
        { brandId: upload.brand_id, recipientKeys: part.rows.map((b) => b.consent.recipientKey) },
      ]);
      const written = await write(trx, writer, lock, {
        brandId: upload.brand_id,
        activatedAt: upload.activated_at ?? upload.received_at,
        receivedAt: upload.received_at,
        now: clock(),
        actor: { kind: 'provider', id: `portal:${upload.portal_user_id}` },
        consents: part.rows.map((b) => b.consent),
        pastOnly: upload.migration,
      });
      const errors = [...part.rowErrors];
      written.outcomes.forEach((outcome, i) => {
        if (!outcome.ok) errors.push(...outcome.errors.map((e) => errorOf(part.rows[i]!.line, e)));
      });
      const applied = written.outcomes.filter((o) => o.ok).length;
      await uploads.insertErrors(
        trx,
        upload.id,
        errors.map((e) => ({ row_number: e.row, code: e.code, message: e.message, field: e.field })),
      );
      const rows = part.rows.length + part.failedRows;
      const counted = await uploads.recordProgress(trx, upload.id, upload.lease_token, {
        lane: part.lane,
        through: part.through,
        rows,
        applied,
        failed: rows - applied,
        lockedUntil: new Date(clock().getTime() + LEASE_MS),
      });
      if (!counted) throw new UploadNotHeld();
      return written;
    });
    if (result.notices > 0) await notices.wake();
  }

  /** The data rows of an upload: its rows but the header. */
  const dataRowsOf = async (upload: UploadRow): Promise<number> =>
    Math.max(0, (await countRows(upload.format, await storedFile(upload.id))) - 1);

  async function apply(upload: UploadToApply, signal?: AbortSignal): Promise<void> {
    // The first pass reads the whole file, so one that breaks a limit or cannot be read fails before any of
    // it is applied (and the progress bar gets its exact total). A resumed file has passed it already.
    if (upload.rows_done === 0) await uploads.setTotalRows(upload.id, await dataRowsOf(upload));
    const marks = upload.lane_rows_done;
    const allDone = Math.min(...Array.from({ length: WRITE_LANES }, (_, lane) => marks[lane] ?? 0));
    const isDone = (row: number, lane: number) => row <= (marks[lane] ?? 0);
    const read: FileRead = { dataRows: 0 };
    let batch = newBatch();
    const identities = new Set<string>();
    // The lanes of a batch are written at once, each in its own transaction, while the next rows are
    // prepared (on an accept thread where there is one); a person's records (always in one lane) are
    // applied in the order the file gives them.
    const writes = createLaneWrites((part) => applyLanePart(upload, part));
    const flush = async () => {
      if (batch.rows === 0) return;
      await writes.room();
      // Stopping between batches: everything counted so far is committed, the rest resumes on restart.
      if (signal?.aborted) throw new UploadInterrupted();
      writes.start(lanePartsOf(batch));
      batch = newBatch();
      identities.clear();
    };

    try {
      const fileRows = readRows(upload.format, await storedFile(upload.id));
      for await (const { first, lines, rows, seals } of handOversOf(fileRows, preparer, allDone, read)) {
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          const dataRow = first + i;
          if (row.ok) {
            const consent = sealedConsentOf(row, seals);
            const lane = laneOf(consent.recipientKey);
            if (isDone(dataRow, lane)) continue; // its lane applied it before a restart
            // A second record of the same consent waits for the next batch: a batch holds each identity once.
            if (identities.has(row.identity)) await flush();
            identities.add(row.identity);
            batch.lanes[lane]!.push({ line: lines[i]!, consent });
          } else {
            if (isDone(dataRow, FAILED_ROWS_LANE)) continue;
            batch.rowErrors.push(...row.errors.map((e) => errorOf(lines[i]!, e)));
            batch.failedRows++;
          }
          batch.through = dataRow;
          if (++batch.rows >= rowsPerBatch) await flush();
        }
      }
      // The last batch's lanes are done through the end of the file: rows after its last one were applied
      // before a restart.
      batch.through = read.dataRows;
      await flush();
      await writes.finished();
    } catch (error) {
      // Whatever failed (a lane's write, the file's next chunk, a thread), no write of this run is left
      // running: the lease can then be let go, and a resume starts from what was committed.
      await writes.stopped();
      throw error;
    }
    await uploads.setTotalRows(upload.id, read.dataRows);
  }

  const present = (row: UploadRow & { brand_code: number }) => presentUpload(row, clock());

  async function requireUpload(session: PortalSession, id: string) {
    const row = isUuid(id) ? await uploads.findUpload(session.providerId, id) : undefined;
    if (!row) throw IysRequestError.of('H904', { location: ['id'], value: id });
    return row;
  }

  const tooLarge = () =>
    IysRequestError.of('H962', { location: ['file'], vars: { mb: String(Math.floor(maxBytes / 1048576)) } });

  return {
    maxBytes,

    /**
     * Receives a file as a stream. Answers with the upload's id, or with the earlier upload of the very same
     * file for this brand (`duplicateOf`), which is then not applied again.
     */
    async receive(
      session: PortalSession,
      brandCode: string,
      file: { fileName: string; stream: AsyncIterable<Buffer>; truncated: () => boolean },
      options: { migration?: boolean } = {},
    ): Promise<{ id: string; duplicate: boolean }> {
      const code = codeOf(brandCode);
      const brand = code === undefined ? undefined : await providers.findBrandByCode(code);
      if (!brand || brand.provider_id !== session.providerId)
        throw IysRequestError.of('H930', { location: ['brandCode'], value: brandCode });
      const id = randomUUID();
      await uploads.insertUpload({
        id,
        provider_id: session.providerId,
        brand_id: brand.id,
        portal_user_id: session.userId,
        file_name: file.fileName.slice(0, 255),
        format: 'csv',
        status: 'receiving',
        received_at: clock(),
        migration: options.migration ?? false,
      });
      let stored: Awaited<ReturnType<typeof storeFile>>;
      try {
        stored = await storeFile(id, file.stream, {
          uploads,
          cipher,
          aad: (seq) => aad(id, seq),
          maxBytes,
          tooLarge,
        });
        if (file.truncated()) throw tooLarge();
        if (stored.bytes === 0)
          throw IysRequestError.of('H940', { location: ['file'], vars: { field: 'file' } });
      } catch (error) {
        await uploads.deleteUpload(id);
        throw error;
      }
      const { format, bytes, newlines, sha256 } = stored;
      const earlier = await uploads.findSameFile(brand.id, sha256, id);
      if (earlier) {
        await uploads.deleteUpload(id);
        return { id: earlier.id, duplicate: true };
      }
      // A CSV's rows are its lines after the header: a good estimate now, corrected to the exact count at the end.
      await uploads.finishReceiving(id, {
        format: format!,
        file_sha256: sha256,
        file_bytes: bytes,
        total_rows: format === 'csv' ? Math.max(0, newlines - 1) : null,
      });
      await queue.enqueue(id);
      return { id, duplicate: false };
    },

    /**
     * The worker's entry: applies an upload unless another worker holds its lease ('busy': try again after
     * it). Safe to call repeatedly: a finished upload is 'done'. An abort stops it between two batches.
     */
    async process(uploadId: string, signal?: AbortSignal): Promise<'done' | 'busy' | 'interrupted'> {
      const upload = await uploads.claim(uploadId, clock(), LEASE_MS, abandonedLeases.get(uploadId));
      abandonedLeases.delete(uploadId);
      if (!upload) return (await uploads.isUnfinished(uploadId)) ? 'busy' : 'done';
      try {
        await apply(upload, signal);
        await uploads.finish(uploadId, { status: 'completed', failure: null, now: clock() });
      } catch (error) {
        if (error instanceof UploadInterrupted) {
          await uploads.releaseLease(uploadId, upload.lease_token);
          return 'interrupted';
        }
        // Cancelled in the portal, or taken over by another worker after this one's lease ran out.
        if (error instanceof UploadNotHeld) return (await uploads.isUnfinished(uploadId)) ? 'busy' : 'done';
        if (!(error instanceof FileRejected)) {
          // Anything else (the database went away) can succeed later: the job retries it, and finds the
          // lease let go rather than waiting out its minute. While the database is still away the lease
          // cannot be let go; this process remembers it and retakes it (another one waits it out).
          await uploads
            .releaseLease(uploadId, upload.lease_token)
            .catch(() => abandonedLeases.set(uploadId, upload.lease_token));
          throw error;
        }
        await uploads.finish(uploadId, {
          status: 'failed',
          failure: error.message,
          failureCode: error.code,
          now: clock(),
        });
      }
      return 'done';
    },

    /**
     * At start: unfinished uploads go back to the worker, after the lease of a crashed worker ends. A file
     * whose receiving was cut off by a crash can never complete; it is removed.
     */
    async resumeUnfinished(): Promise<number> {
      await uploads.deleteStaleReceiving(new Date(clock().getTime() - 3600_000));
      const unfinished = await uploads.listUnfinished();
      const now = clock().getTime();
      for (const upload of unfinished) {
        const wait = upload.locked_until
          ? Math.max(0, Math.ceil((upload.locked_until.getTime() - now) / 1000))
          : 0;
        await queue.enqueue(upload.id, wait);
      }
      return unfinished.length;
    },

    /** Stops an upload that is waiting or running; rows applied before stay applied (and counted). */
    async cancel(session: PortalSession, id: string) {
      const upload = await requireUpload(session, id);
      const cancelled = await uploads.finish(
        upload.id,
        { status: 'cancelled', failure: 'Yükleme kullanıcı tarafından iptal edildi.', now: clock() },
        session.providerId,
      );
      if (!cancelled) throw IysRequestError.of('H966', { location: ['id'], value: id });
      return present((await uploads.findUpload(session.providerId, upload.id))!);
    },

    /**
     * Uploads whose job was lost while the database was away: unfinished, nobody's lease on them (or a
     * lease this process could not let go of), and not just queued. They go back to the worker (processing
     * resumes where the last batch committed).
     */
    async resumeStalled(): Promise<number> {
      const now = clock().getTime();
      const unfinished = await uploads.listUnfinished();
      const stalled = unfinished.filter(
        (u) =>
          abandonedLeases.get(u.id) === u.lease_token ||
          ((u.locked_until?.getTime() ?? 0) < now && u.received_at.getTime() < now - 30_000),
      );
      // A lease remembered for an upload that another process has since taken, or finished, is forgotten.
      for (const [id, token] of abandonedLeases)
        if (!unfinished.some((u) => u.id === id && u.lease_token === token)) abandonedLeases.delete(id);
      for (const upload of stalled) await queue.enqueue(upload.id);
      return stalled.length;
    },

    list: async (session: PortalSession) => (await uploads.listUploads(session.providerId)).map(present),

    get: async (session: PortalSession, id: string) => present(await requireUpload(session, id)),

    /** The per-row error report, in row order, streamed a page at a time. */
    async errors(session: PortalSession, id: string): Promise<AsyncIterable<UploadError>> {
      const upload = await requireUpload(session, id);
      return (async function* () {
        let afterRow = 0;
        for (;;) {
          const page = await uploads.listErrors(upload.id, afterRow, 5000);
          // A page may end inside a row's errors: that row is read again whole with the next page.
          const complete =
            page.length === 5000 ? page.filter((e) => e.row_number !== page.at(-1)!.row_number) : page;
          for (const e of complete)
            yield { row: e.row_number, code: e.code, message: e.message, field: e.field };
          if (page.length < 5000) return;
          afterRow = complete.at(-1)!.row_number;
        }
      })();
    },
  };
}

type UploadToApply = NonNullable<Awaited<ReturnType<UploadRepository['claim']>>>;

class UploadInterrupted extends Error {
  override name = 'UploadInterrupted';
}

/**
 * The upload is no longer this run's: cancelled in the portal, or taken over by another worker after this
 * one's lease ran out. The batch in hand is rolled back, nothing more applied.
 */
class UploadNotHeld extends Error {
  override name = 'UploadNotHeld';
}

export type UploadService = ReturnType<typeof createUploadService>;
