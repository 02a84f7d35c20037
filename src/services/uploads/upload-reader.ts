import { FileRejected, UPLOAD_LIMITS } from '../../domain/upload-limits.js';
import { readCsvRows } from './csv-reader.js';
import { readXlsxRows } from './xlsx-reader.js';
import type { ByteSource } from './zip-source.js';

/** One row of an uploaded file: its line (CSV) or row number (XLSX), and its cells. */
export interface FileRow {
  line: number;
  cells: unknown[];
}

/** A ZIP (hence XLSX) file starts with "PK\x03\x04"; anything else is read as CSV text. */
export function sniffFormat(firstBytes: Buffer): 'csv' | 'xlsx' {
  return firstBytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
}

/**
 * Streams the rows of a stored CSV or XLSX file, a slice's worth at a time (one await per few thousand rows,
 * not per row); nothing but bounded parser state and the current rows is held. Whatever is wrong with the
 * file surfaces as a FileRejected (a Turkish message with the row where it was found, never the file's
 * content); more than UPLOAD_LIMITS.maxRows data rows is H963.
 */
export async function* readRows(format: 'csv' | 'xlsx', source: ByteSource): AsyncGenerator<FileRow[]> {
  let rows = 0;
  for await (const batch of format === 'xlsx' ? readXlsxRows(source) : readCsvRows(source)) {
    rows += batch.length;
    if (rows > UPLOAD_LIMITS.maxRows + 1) {
      const over = batch[batch.length - (rows - UPLOAD_LIMITS.maxRows - 1)]!;
      throw new FileRejected('H963', 'satır sınırı aşıldı.', over.line);
    }
    if (batch.length > 0) yield batch;
  }
}
