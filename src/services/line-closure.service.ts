import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import type { ConsentType, RecipientType } from '../domain/consent.js';
import { IysRequestError, iysError, type IysErrorItem } from '../domain/iys-errors.js';
import { parseLineClosure, type LineClosure } from '../domain/line-closure.js';
import { FileRejected } from '../domain/upload-limits.js';
import type { ClosureError, LineClosureRepository } from '../repositories/line-closure.repository.js';
import {
  lockForWrite,
  newTransactionId,
  writeConsents,
  type SealedConsent,
  type WriterDeps,
} from './consent-writer.js';
import type { GatewayAccount } from './gateway/gateway.service.js';
import { readRows, sniffFormat } from './uploads/upload-reader.js';
import { bufferSource } from './uploads/zip-source.js';

/** Closures applied per transaction: one read of the ONAYs they end, one write per brand touched. */
export const CLOSURES_PER_TRANSACTION = 5000;
/** Closures recorded per insert while a file is received. */
const INSERT_CHUNK = 10_000;
/** Refused rows kept for the operator's report (the count is always exact). */
const ERRORS_KEPT = 100;
/** Closures one JSON request may carry; a day's file has no such limit. */
export const MAX_CLOSURES_PER_REQUEST = 1000;

/** Wakes the worker that applies closures received in a file. */
export interface ClosureQueue {
  wake(): Promise<void>;
}

/** Rows read so far: the valid closures, sealed, and the refusals (the first ERRORS_KEPT of them). */
interface Collected {
  valid: Array<{ recipientKey: Buffer; closedAt: Date }>;
  errors: ClosureError[];
  failed: number;
}

export interface ClosureReceipt {
  batchId: string;
  received: number;
  new: number;
  failed: number;
  errors: ClosureError[];
}

/**
 * Line closures (issue 14). An operator reports the mobile numbers it closed, one request at a time or as a
 * daily CSV file. Each closure ends every ONAY held for the number, in every brand and channel, with a RET
 * of source IYS_AHS_HAT_KAPATMA dated at the closure: through the same writer as every other movement, so
 * it reaches the changes feed, the webhooks, the transparency log and (through the projection's change
 * stream) every gateway index. An ONAY dated after the closure is the next owner's and stays.
 *
 * Receiving is all or nothing and durable before the answer; a closure already known is not recorded again
 * (same file twice: nothing changes). Applying takes CLOSURES_PER_TRANSACTION at a time from the pending
 * closures themselves, so a restart resumes where it stopped and several workers share a million-row file.
 */
export function createLineClosureService(deps: {
  db: Kysely<Database>;
  closures: LineClosureRepository;
  writer: WriterDeps;
  cipher: FieldCipher;
  queue: ClosureQueue;
  clock?: () => Date;
}) {
  const { db, closures, writer, cipher, queue, clock = () => new Date() } = deps;

  function requireOperator(account: GatewayAccount): void {
    if (!account.closesLines) throw IysRequestError.of('H992');
  }

  /** Parses rows, keeping the valid closures and the first refusals (row numbers as the sender counts them). */
  function collect(
    rows: Iterable<{ row: number; recipient: unknown; closedAt: unknown; location: (string | number)[] }>,
    now: Date,
    into: Collected,
  ): void {
    for (const { row, recipient, closedAt, location } of rows) {
      const parsed = parseLineClosure(recipient, closedAt, now, location);
      if (parsed.ok) into.valid.push(keyed(parsed.closure));
      else {
        into.failed++;
        if (into.errors.length < ERRORS_KEPT) into.errors.push(errorOf(row, parsed.error));
      }
    }
  }

  const keyed = (closure: LineClosure) => ({
    recipientKey: cipher.blindIndex(closure.phone),
    closedAt: closure.closedAt,
  });

  /**
   * Applies up to `limit` pending closures in one transaction; says how many and whether more wait. Only
   * ONAYs dated before a closure are ended (later ones belong to the number's next owner), so applying a
   * closure twice, or an old closure after a new consent, changes nothing.
   */
  async function applyPending(limit = CLOSURES_PER_TRANSACTION, batchId?: string) {
    const now = clock();
    return db.transaction().execute(async (trx) => {
      const claimed = await closures.claimPending(trx, limit, batchId);
      if (claimed.length === 0) return { closures: 0, consentsClosed: 0, more: false };
      // The latest closure of a number is the one that ends its consents.
      const closedAt = new Map<string, Date>();
      for (const c of claimed) {
        const hex = c.recipient_key.toString('hex');
        const known = closedAt.get(hex);
        if (!known || known < c.closed_at) closedAt.set(hex, c.closed_at);
      }
      const onays = (
        await closures.findOnays(
          trx,
          claimed.map((c) => c.recipient_key),
        )
      ).filter((o) => o.consent_date < closedAt.get(o.recipient_key.toString('hex'))!);
      const byBrand = new Map<number, typeof onays>();
      for (const o of onays) {
        const rows = byBrand.get(o.brand_id);
        if (rows) rows.push(o);
        else byBrand.set(o.brand_id, [o]);
      }
      const lock = await lockForWrite(
        trx,
        writer,
        [...byBrand].map(([brandId, rows]) => ({ brandId, recipientKeys: rows.map((r) => r.recipient_key) })),
      );
      const closedPerKey = new Map<string, number>();
      for (const [brandId, rows] of [...byBrand].sort((a, b) => a[0] - b[0])) {
        const batch: SealedConsent[] = rows.map((o) => ({
          recipientKey: o.recipient_key,
          addressEnc: o.address_enc,
          recipientKind: 'phone',
          recipientType: o.recipient_type as RecipientType,
          type: o.type as ConsentType,
          status: 'RET',
          source: 'IYS_AHS_HAT_KAPATMA',
          consentDate: closedAt.get(o.recipient_key.toString('hex'))!,
          retailerCode: null,
          retailerAccess: [],
          transactionId: newTransactionId(),
        }));
        const { outcomes } = await writeConsents(trx, writer, lock, {
          brandId,
          // Closures are judged as records of the past: the upload deadline does not bind an operator's report.
          activatedAt: now,
          receivedAt: now,
          now,
          actor: { kind: 'system', id: 'line-closure' },
          consents: batch,
        });
        outcomes.forEach((outcome, i) => {
          if (!outcome.ok) return;
          const hex = batch[i]!.recipientKey.toString('hex');
          closedPerKey.set(hex, (closedPerKey.get(hex) ?? 0) + 1);
        });
      }
      await closures.markApplied(
        trx,
        claimed.map((c) => ({
          recipientKey: c.recipient_key,
          closedAt: c.closed_at,
          batchId: c.batch_id,
          // Counted once per number, on its latest closure.
          consentsClosed:
            closedAt.get(c.recipient_key.toString('hex'))!.getTime() === c.closed_at.getTime()
              ? (closedPerKey.get(c.recipient_key.toString('hex')) ?? 0)
              : 0,
        })),
        now,
      );
      await closures.unlinkCitizens(
        trx,
        claimed.map((c) => ({ recipientKey: c.recipient_key, closedAt: c.closed_at })),
      );
      const consentsClosed = [...closedPerKey.values()].reduce((a, b) => a + b, 0);
      return { closures: claimed.length, consentsClosed, more: claimed.length === limit };
    });
  }

  async function record(
    account: GatewayAccount,
    kind: 'api' | 'file',
    fileSha256: Buffer | null,
    total: number,
    collected: Collected,
  ): Promise<ClosureReceipt> {
    const batchId = randomUUID();
    const received = clock();
    const added = await db.transaction().execute(async (trx) => {
      await closures.insertBatch(trx, {
        id: batchId,
        account_id: account.id,
        kind,
        file_sha256: fileSha256,
        rows_total: total,
        rows_new: 0,
        rows_failed: collected.failed,
        errors: collected.errors,
        received_at: received,
      });
      let rowsNew = 0;
      for (let i = 0; i < collected.valid.length; i += INSERT_CHUNK)
        rowsNew += await closures.insertClosures(trx, batchId, collected.valid.slice(i, i + INSERT_CHUNK));
      await closures.setNewRows(trx, batchId, rowsNew);
      return rowsNew;
    });
    return { batchId, received: total, new: added, failed: collected.failed, errors: collected.errors };
  }

  return {
    applyPending,
    countPending: () => closures.countPending(),

    /**
     * Up to MAX_CLOSURES_PER_REQUEST closures, recorded and applied before the answer: the gateway refuses
     * the numbers' ONAYs as soon as it has been given. Rows that are not valid are refused one by one.
     */
    async report(account: GatewayAccount, items: Array<{ recipient?: unknown; closedAt?: unknown }>) {
      requireOperator(account);
      const collected: Collected = { valid: [], errors: [], failed: 0 };
      collect(
        items.map((item, i) => ({
          row: i,
          recipient: item.recipient,
          closedAt: item.closedAt,
          location: ['closures', i],
        })),
        clock(),
        collected,
      );
      const receipt = await record(account, 'api', null, items.length, collected);
      let consentsClosed = 0;
      for (let more = true; more;) {
        const applied = await applyPending(CLOSURES_PER_TRANSACTION, receipt.batchId);
        consentsClosed += applied.consentsClosed;
        more = applied.more;
      }
      return { ...receipt, consentsClosed };
    },

    /**
     * A day's file (CSV or XLSX, a `recipient` and a `closedAt` column). Recorded whole before the answer,
     * applied by the worker. The same file from the same operator answers with its first receipt.
     */
    async receiveFile(
      account: GatewayAccount,
      file: Buffer,
    ): Promise<ClosureReceipt & { repeated: boolean }> {
      requireOperator(account);
      const sha256 = createHash('sha256').update(file).digest();
      const earlier = await closures.findBatchByFile(account.id, sha256);
      if (earlier)
        return {
          batchId: earlier.id,
          received: earlier.rows_total,
          new: 0,
          failed: earlier.rows_failed,
          errors: earlier.errors as ClosureError[],
          repeated: true,
        };
      const now = clock();
      const collected: Collected = { valid: [], errors: [], failed: 0 };
      let total = 0;
      let columns: { recipient: number; closedAt: number } | undefined;
      try {
        for await (const rows of readRows(sniffFormat(file), bufferSource(file))) {
          const data = [];
          for (const { line, cells } of rows) {
            if (!columns) {
              columns = headerOf(cells);
              continue;
            }
            total++;
            data.push({
              row: line,
              recipient: cells[columns.recipient],
              closedAt: cells[columns.closedAt],
              location: [],
            });
          }
          collect(data, now, collected);
        }
      } catch (error) {
        if (error instanceof FileRejected)
          throw new IysRequestError([iysError(error.code, { value: error.row ?? undefined })]);
        throw error;
      }
      if (!columns) throw IysRequestError.of('H994');
      const receipt = await record(account, 'file', sha256, total, collected);
      await queue.wake();
      return { ...receipt, repeated: false };
    },

    async batch(account: GatewayAccount | null, id: string) {
      const found = await closures.findBatch(id);
      if (!found || (account && found.account_id !== account.id)) throw IysRequestError.of('H904');
      return presentBatch(found);
    },

    async recentBatches(limit = 50) {
      return (await closures.listBatches(limit)).map(presentBatch);
    },
  };
}

function presentBatch(b: NonNullable<Awaited<ReturnType<LineClosureRepository['findBatch']>>>) {
  return {
    batchId: b.id,
    operator: b.account_name,
    kind: b.kind,
    receivedAt: b.received_at,
    received: b.rows_total,
    new: b.rows_new,
    failed: b.rows_failed,
    applied: b.rows_applied,
    consentsClosed: b.consents_closed,
    status: b.rows_applied >= b.rows_new ? ('completed' as const) : ('processing' as const),
    errors: b.errors as ClosureError[],
  };
}

function errorOf(row: number, error: IysErrorItem): ClosureError {
  return { row, code: error.code, message: error.message };
}

/** The header row: `recipient` and `closedAt`, in any order and case (Turkish `alici`, `kapanisTarihi` too). */
function headerOf(cells: unknown[]): { recipient: number; closedAt: number } {
  const names = cells.map((c) => (typeof c === 'string' ? foldName(c) : ''));
  const recipient = names.findIndex((n) => n === 'recipient' || n === 'alici');
  const closedAt = names.findIndex((n) => n === 'closedat' || n === 'kapanistarihi');
  if (recipient < 0 || closedAt < 0) throw IysRequestError.of('H994');
  return { recipient, closedAt };
}

const TURKISH_LETTERS: Record<string, string> = { ı: 'i', ş: 's', ç: 'c', ğ: 'g', ö: 'o', ü: 'u' };
const foldName = (name: string) =>
  name
    .trim()
    .toLocaleLowerCase('tr')
    .replace(/[ışçğöü]/g, (c) => TURKISH_LETTERS[c]!)
    .replace(/[^a-z]/g, '');

export type LineClosureService = ReturnType<typeof createLineClosureService>;
