import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import { parseConsentInput } from '../domain/consent-input.js';
import { IysRequestError, type IysErrorItem } from '../domain/iys-errors.js';
import { readHeader, rowToConsentBody } from '../domain/upload-row.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { UploadRepository, UploadRow } from '../repositories/upload.repository.js';
import {
  newTransactionId,
  writeConsents,
  type NoticeQueue,
  type SealedConsent,
  type WriterDeps,
} from './consent-writer.js';
import type { PortalSession } from './portal-account.service.js';
import { readRows, sniffFormat } from './upload-reader.js';
import { isUuid } from '../domain/uuid.js';

const CHUNK_BYTES = 1024 * 1024;
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
const ROWS_PER_BATCH = 1000;
const LEASE_MS = 60_000;

/** Hands a stored upload to the background worker (pg-boss). */
export interface UploadQueue {
  enqueue(uploadId: string, afterSeconds?: number): Promise<void>;
}

export interface UploadError {
  row: number;
  code: string;
  message: string;
  field: string | null;
}

/**
 * Consent files (CSV or XLSX) uploaded in the portal. Receiving streams the file into encrypted 1 MB chunks
 * (never whole in memory, never plaintext at rest); a worker then applies it 1000 rows per transaction with
 * the same rules as the API, counting its progress in the same transaction, so a restart resumes exactly
 * where it stopped. Valid rows are applied even when others fail; every failure is kept with its row.
 */
export function createUploadService(deps: {
  db: Kysely<Database>;
  uploads: UploadRepository;
  providers: ProviderRepository;
  writer: WriterDeps;
  cipher: FieldCipher;
  queue: UploadQueue;
  notices: NoticeQueue;
  clock?: () => Date;
}) {
  const { db, uploads, providers, writer, cipher, queue, notices, clock = () => new Date() } = deps;
  const aad = (uploadId: string, seq: number) => Buffer.from(`upload:${uploadId}:${seq}`);

  async function* storedChunks(uploadId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const sealed = await uploads.readChunk(uploadId, seq);
      if (!sealed) return;
      yield cipher.decryptBytes(sealed, aad(uploadId, seq));
    }
  }

  const errorOf = (row: number, error: IysErrorItem): UploadError => ({
    row,
    code: error.code,
    message: error.message,
    field: error.location?.filter((part) => typeof part === 'string').join('.') || null,
  });

  /** Applies one batch (unique identities) and counts it, in one transaction. */
  async function applyBatch(
    upload: UploadRow & { activated_at: Date | null },
    batch: { line: number; consent: SealedConsent }[],
    rowErrors: UploadError[],
    rows: number,
  ): Promise<void> {
    const result = await db.transaction().execute(async (trx) => {
      const written = await writeConsents(trx, writer, {
        brandId: upload.brand_id,
        activatedAt: upload.activated_at ?? upload.received_at,
        receivedAt: upload.received_at,
        now: clock(),
        actor: { kind: 'provider', id: `portal:${upload.portal_user_id}` },
        consents: batch.map((b) => b.consent),
      });
      const errors = [...rowErrors];
      written.outcomes.forEach((outcome, i) => {
        if (!outcome.ok) errors.push(...outcome.errors.map((e) => errorOf(batch[i]!.line, e)));
      });
      const applied = written.outcomes.filter((o) => o.ok).length;
      await uploads.insertErrors(
        trx,
        upload.id,
        errors.map((e) => ({ row_number: e.row, code: e.code, message: e.message, field: e.field })),
      );
      await uploads.recordProgress(trx, upload.id, {
        rows,
        applied,
        failed: rows - applied,
        lockedUntil: new Date(clock().getTime() + LEASE_MS),
      });
      return written;
    });
    if (result.notices > 0) await notices.wake();
  }

  async function countRows(upload: UploadRow): Promise<number> {
    let count = -1; // the header
    for await (const _ of readRows(upload.format, storedChunks(upload.id))) count++;
    return Math.max(0, count);
  }

  async function apply(
    upload: UploadRow & { activated_at: Date | null },
    signal?: AbortSignal,
  ): Promise<void> {
    if (upload.total_rows === null) await uploads.setTotalRows(upload.id, await countRows(upload));
    let header: ReturnType<typeof readHeader> | undefined;
    let dataRows = 0;
    let batch: { line: number; consent: SealedConsent }[] = [];
    let rowErrors: UploadError[] = [];
    let rowsInBatch = 0;
    const identities = new Set<string>();
    // One batch is written while the next is parsed and sealed: the database and this process work at the
    // same time, and batches still commit one after the other, in file order.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (rowsInBatch === 0) return;
      await writing;
      // Stopping between batches: everything counted so far is committed, the rest resumes on restart.
      if (signal?.aborted) throw new UploadInterrupted();
      writing = applyBatch(upload, batch, rowErrors, rowsInBatch);
      // A failed write must not go unobserved while the next batch is read; it is rethrown below.
      writing.catch(() => {});
      batch = [];
      rowErrors = [];
      rowsInBatch = 0;
      identities.clear();
    };

    for await (const { line, cells } of readRows(upload.format, storedChunks(upload.id))) {
      if (!header) {
        header = readHeader(cells);
        if (header.missing.length > 0)
          throw new UploadFailure(`missing columns: ${header.missing.join(', ')}`);
        continue;
      }
      if (++dataRows <= upload.rows_done) continue; // applied before a restart
      const parsed = parseConsentInput(rowToConsentBody(header.positions, cells));
      if (parsed.ok) {
        const { recipient, recipientType, type } = parsed.consent;
        const identity = `${recipientType}|${type}|${recipient}`;
        // A second record of the same consent waits for the next batch: a batch holds each identity once.
        if (identities.has(identity)) await flush();
        identities.add(identity);
        const { recipientKey, addressEnc } = cipher.sealAddress(recipient);
        batch.push({
          line,
          consent: { ...parsed.consent, recipientKey, addressEnc, transactionId: newTransactionId() },
        });
      } else {
        rowErrors.push(...parsed.errors.map((e) => errorOf(line, e)));
      }
      if (++rowsInBatch >= ROWS_PER_BATCH) await flush();
    }
    await flush();
    await writing;
    if (!header) throw new UploadFailure('the file is empty');
    await uploads.setTotalRows(upload.id, dataRows);
  }

  function present(row: UploadRow & { brand_code: number }) {
    const elapsedMs = row.started_at ? (row.finished_at ?? clock()).getTime() - row.started_at.getTime() : 0;
    const rate = elapsedMs > 0 ? (row.rows_done * 1000) / elapsedMs : 0;
    const left = row.total_rows !== null ? Math.max(0, row.total_rows - row.rows_done) : null;
    return {
      id: row.id,
      brandCode: row.brand_code,
      fileName: row.file_name,
      format: row.format,
      status: row.status,
      totalRows: row.total_rows,
      rowsDone: row.rows_done,
      rowsApplied: row.rows_applied,
      rowsFailed: row.rows_failed,
      rowsPerSecond: Math.round(rate),
      secondsLeft: row.status === 'processing' && left !== null && rate > 0 ? Math.ceil(left / rate) : null,
      failure: row.failure,
      receivedAt: row.received_at,
      finishedAt: row.finished_at,
    };
  }

  async function requireUpload(session: PortalSession, id: string) {
    const row = isUuid(id) ? await uploads.findUpload(session.providerId, id) : undefined;
    if (!row) throw IysRequestError.of('H904', { location: ['id'], value: id });
    return row;
  }

  return {
    /**
     * Receives a file as a stream. Answers with the upload's id, or with the earlier upload of the very same
     * file for this brand (`duplicateOf`), which is then not applied again.
     */
    async receive(
      session: PortalSession,
      brandCode: string,
      file: { fileName: string; stream: AsyncIterable<Buffer>; truncated: () => boolean },
    ): Promise<{ id: string; duplicate: boolean }> {
      const brand = /^\d{1,10}$/.test(brandCode)
        ? await providers.findBrandByCode(Number(brandCode))
        : undefined;
      if (!brand || brand.provider_id !== session.providerId)
        throw IysRequestError.of('H930', { location: ['brandCode'], value: brandCode });
      const id = randomUUID();
      const receivedAt = clock();
      const hash = createHash('sha256');
      let format: 'csv' | 'xlsx' | undefined;
      let bytes = 0;
      let newlines = 0;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const store = async () => {
        const chunk = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        await uploads.insertChunk(id, seq, cipher.encrypt(chunk, aad(id, seq)));
        seq++;
      };
      await uploads.insertUpload({
        id,
        provider_id: session.providerId,
        brand_id: brand.id,
        portal_user_id: session.userId,
        file_name: file.fileName.slice(0, 255),
        format: 'csv',
        status: 'receiving',
        received_at: receivedAt,
      });
      try {
        for await (const data of file.stream) {
          format ??= sniffFormat(data);
          hash.update(data);
          bytes += data.length;
          if (format === 'csv') for (const byte of data) if (byte === 10) newlines++;
          pending.push(data);
          pendingBytes += data.length;
          if (pendingBytes >= CHUNK_BYTES) await store();
        }
        if (pendingBytes > 0) await store();
        if (file.truncated()) throw IysRequestError.of('H906');
        if (bytes === 0) throw IysRequestError.of('H940', { location: ['file'], vars: { field: 'file' } });
      } catch (error) {
        await uploads.deleteUpload(id);
        throw error;
      }
      const sha256 = hash.digest();
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
      const upload = await uploads.claim(uploadId, clock(), LEASE_MS);
      if (!upload) return (await uploads.isUnfinished(uploadId)) ? 'busy' : 'done';
      try {
        await apply(upload, signal);
        await uploads.finish(uploadId, { status: 'completed', failure: null, now: clock() });
      } catch (error) {
        if (error instanceof UploadInterrupted) {
          await uploads.releaseLease(uploadId);
          return 'interrupted';
        }
        if (!(error instanceof UploadFailure) && !isFileFormatError(error)) throw error;
        await uploads.finish(uploadId, { status: 'failed', failure: (error as Error).message, now: clock() });
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

/** The file cannot be applied at all (no header, missing columns, not a spreadsheet). */
export class UploadFailure extends Error {
  override name = 'UploadFailure';
}

class UploadInterrupted extends Error {
  override name = 'UploadInterrupted';
}

/** csv-parse and exceljs reject malformed files with their own errors; they fail the upload, not the worker. */
function isFileFormatError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    code.startsWith('CSV_') || /zip|xlsx|xml|end of central directory/i.test(String((error as Error).message))
  );
}

export type UploadService = ReturnType<typeof createUploadService>;
