import { FileRejected, UPLOAD_LIMITS } from '../../domain/upload-limits.js';
import { isBlankRecord, readCsvRecords, readCsvRows } from './csv-reader.js';
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
 * Line feeds in a piece of a file (a CSV's first estimate of its rows, as it is received), found by indexOf:
 * iterating the bytes with for…of allocated an iterator result per byte (~380 MB of garbage for a 10 MB
 * file).
 */
export function countNewlines(data: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(10); at !== -1; at = data.indexOf(10, at + 1)) count++;
  return count;
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
    if (rows > UPLOAD_LIMITS.maxRows + 1)
      throw tooManyRows(batch[batch.length - (rows - UPLOAD_LIMITS.maxRows - 1)]!.line);
    if (batch.length > 0) yield batch;
  }
}

const tooManyRows = (line: number) => new FileRejected('H963', 'satır sınırı aşıldı.', line);

/**
 * How many rows a file has, its header included, with readRows's limits. A CSV's records are counted as
 * the parser gives them, no row is built: in a process that had imported files, counting a 5 M-line file
 * through readRows sometimes left ~250–350 MB of garbage on the heap before the next full collection (the
 * rows it built and dropped were promoted whole, measured), and ~25 MB without them.
 */
export async function countRows(format: 'csv' | 'xlsx', source: ByteSource): Promise<number> {
  let rows = 0;
  if (format === 'xlsx') {
    for await (const batch of readRows(format, source)) rows += batch.length;
    return rows;
  }
  for await (const { firstRow, records } of readCsvRecords(source))
    for (let i = 0; i < records.length; i++)
      if (!isBlankRecord(records[i]!) && ++rows > UPLOAD_LIMITS.maxRows + 1) throw tooManyRows(firstRow + i);
  return rows;
}
