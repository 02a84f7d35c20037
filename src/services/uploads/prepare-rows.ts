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

/** A prepared row: the consent with its seal's place in `seals`, or the row's errors. */
export type PreparedUploadRow =
  | {
      ok: true;
      consent: Omit<SealedConsent, 'recipientKey' | 'addressEnc'>;
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
    if (cells.some((cell) => typeof cell === 'string' && cell.length > UPLOAD_LIMITS.maxCellChars))
      return { ok: false, errors: [iysError('H964')] };
    const parsed = parseConsentInput(rowToConsentBody(input.positions, cells));
    if (!parsed.ok) return parsed;
    const { recipient, ...consent } = parsed.consent;
    const { recipientKey, addressEnc } = cipher.sealAddress(recipient);
    sealed.push(recipientKey, addressEnc);
    const sealAt = bytes;
    bytes += recipientKey.length + addressEnc.length;
    return {
      ok: true,
      consent: { ...consent, transactionId: newTransactionId() },
      identity: `${consent.recipientType}|${consent.type}|${recipient}`,
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
  return {
    ...row.consent,
    recipientKey: Buffer.from(seals.buffer, at, FieldCipher.blindIndexBytes),
    addressEnc: Buffer.from(seals.buffer, at + FieldCipher.blindIndexBytes, row.sealedBytes),
  };
}
