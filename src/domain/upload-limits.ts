import type { IysErrorCode } from './iys-errors.js';

/**
 * What an uploaded consent file may hold. Every bound is there so that no file, however built, can take
 * unbounded memory or time: a decompression bomb, a never-closed quote or a 20-million-entry string table
 * fails with its code instead.
 */
export const UPLOAD_LIMITS = {
  /** Data rows per file (a 5 M-row import is the largest a company is expected to send at once). */
  maxRows: 5_000_000,
  /** Characters in one cell: an İYS field is far shorter (a retailer list of 100 codes ~ 1,000). */
  maxCellChars: 2_000,
  /** One CSV record or one XML text run, before it is split into cells: the parser's memory bound. */
  maxRecordBytes: 256 * 1024,
  /** Entries of an XLSX shared-strings table (a full sheet of unique phones and dates is ~2.1 M). */
  maxSharedStrings: 3_000_000,
  /** UTF-8 bytes of the whole shared-strings table, held packed in one buffer. */
  maxSharedStringBytes: 64 * 1024 * 1024,
  /** Entries in an XLSX's ZIP directory (a workbook has a few dozen). */
  maxZipEntries: 10_000,
  /** Columns a row may address (XLSX's own maximum, XFD). */
  maxColumns: 16_384,
} as const;

/** Default upper bound of an uploaded file's size; `OPENIYS_UPLOAD_MAX_MB` changes it. */
export const DEFAULT_UPLOAD_MAX_MB = 200;

/**
 * The file cannot be applied (as a whole, or from this row on): not a CSV or XLSX, malformed, or over a
 * limit. Deterministic: trying again gives the same answer, so it is recorded as failed and never retried.
 * The message is Turkish, names the row where known, and never quotes the file's content (it may carry
 * addresses).
 */
export class FileRejected extends Error {
  override name = 'FileRejected';
  constructor(
    readonly code: Extract<IysErrorCode, `H96${1 | 3 | 4 | 5}`>,
    readonly detail: string,
    readonly row: number | null = null,
  ) {
    super(row === null ? detail : `Satır ${row}: ${detail}`);
  }
}
