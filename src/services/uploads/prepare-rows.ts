/**
 * Preparing an upload's rows for the writer — the İYS field rules, the address's blind index and AES-GCM
 * seal, a transaction id — is the per-row work that needs no database. It runs on an accept thread
 * (accept-pool.ts), a hand-over of rows at a time (hand-overs.ts), while the upload's own thread writes the
 * batches before. What crosses back is cheap to hand over: the seals of a hand-over lie end to end in one
 * buffer that is moved, not copied, and each row is a small object of strings, numbers and a date.
 */
import { FieldCipher } from '../../crypto/field-cipher.js';
import { newTransactionId } from '../../crypto/transaction-id.js';
import { parseConsentInput } from '../../domain/consent-input.js';
import { iysError, type IysErrorItem } from '../../domain/iys-errors.js';
import { UPLOAD_LIMITS } from '../../domain/upload-limits.js';
import { rowToConsentBody } from '../../domain/upload-row.js';
import type { SealedConsent } from '../consent-writer.js';
import type { FileRow } from './upload-reader.js';

export interface UploadRowsToPrepare {
  /** Column positions from the file's header (readHeader). */
  positions: Map<string, number>;
  rows: FileRow[];
}

/** A prepared row's consent: what the writer takes, less the seal (which lies in `seals`). */
type PreparedConsent = Omit<SealedConsent, 'recipientKey' | 'addressEnc'>;

/** A prepared row: the consent with its seal's place in `seals`, or the row's errors. */
export type PreparedUploadRow =
  | {
      ok: true;
      consent: PreparedConsent;
      /** The record's identity in the file (one per batch): type, channel and normalised address. */
      identity: string;
      /** Where the blind index starts in `seals`; the ciphertext follows it, `sealedBytes` long. */
      sealAt: number;
      sealedBytes: number;
    }
  | { ok: false; errors: IysErrorItem[] };

export interface PreparedUploadRows {
  rows: PreparedUploadRow[];
  /** Every valid row's blind index and ciphertext, end to end, in a buffer of its own (so it can be moved). */
  seals: Uint8Array;
}

export function prepareUploadRows(input: UploadRowsToPrepare, cipher: FieldCipher): PreparedUploadRows {
  const sealed: Buffer[] = [];
  let bytes = 0;
  const rows = input.rows.map(({ cells }): PreparedUploadRow => {
    if (hasOverlongCell(cells)) return { ok: false, errors: [iysError('H964')] };
    const parsed = parseConsentInput(rowToConsentBody(input.positions, cells));
    if (!parsed.ok) return parsed;
    const parsedConsent = parsed.consent;
    const { recipientKey, addressEnc } = cipher.sealAddress(parsedConsent.recipient);
    sealed.push(recipientKey, addressEnc);
    const sealAt = bytes;
    bytes += recipientKey.length + addressEnc.length;
    // Field by field rather than by spreads: a hand-over's 2,000 rows were three object copies each.
    const consent: PreparedConsent = {
      recipientKind: parsedConsent.recipientKind,
      recipientType: parsedConsent.recipientType,
      type: parsedConsent.type,
      status: parsedConsent.status,
      source: parsedConsent.source,
      consentDate: parsedConsent.consentDate,
      retailerCode: parsedConsent.retailerCode,
      retailerAccess: parsedConsent.retailerAccess,
      transactionId: newTransactionId(),
    };
    return {
      ok: true,
      consent,
      identity: `${parsedConsent.recipientType}|${parsedConsent.type}|${parsedConsent.recipient}`,
      sealAt,
      sealedBytes: addressEnc.length,
    };
  });
  // A buffer of its own, not a slice of Node's shared pool: moving it must not take the pool along.
  const seals = new Uint8Array(bytes);
  let at = 0;
  for (const part of sealed) {
    seals.set(part, at);
    at += part.length;
  }
  return { rows, seals };
}

/** A prepared valid row as the writer takes it: its blind index and ciphertext are views into `seals`. */
export function sealedConsentOf(
  row: Extract<PreparedUploadRow, { ok: true }>,
  seals: Uint8Array,
): SealedConsent {
  const at = seals.byteOffset + row.sealAt;
  const { consent } = row;
  return {
    recipientKey: Buffer.from(seals.buffer, at, FieldCipher.blindIndexBytes),
    addressEnc: Buffer.from(seals.buffer, at + FieldCipher.blindIndexBytes, row.sealedBytes),
    recipientKind: consent.recipientKind,
    recipientType: consent.recipientType,
    type: consent.type,
    status: consent.status,
    source: consent.source,
    consentDate: consent.consentDate,
    retailerCode: consent.retailerCode,
    retailerAccess: consent.retailerAccess,
    transactionId: consent.transactionId,
  };
}

/** A cell longer than an upload allows (H964), by a loop rather than a closure per row. */
function hasOverlongCell(cells: unknown[]): boolean {
  for (const cell of cells)
    if (typeof cell === 'string' && cell.length > UPLOAD_LIMITS.maxCellChars) return true;
  return false;
}
