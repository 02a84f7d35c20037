import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

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
 * Streams the rows of a CSV or XLSX file given as a stream of buffers; nothing but the current chunk and
 * row is held. CSV: comma or semicolon (Excel's choice in a Turkish locale), guessed from the header line,
 * an optional UTF-8 BOM. XLSX: the first worksheet.
 */
export async function* readRows(
  format: 'csv' | 'xlsx',
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<FileRow> {
  if (format === 'xlsx') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(chunks), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
    });
    for await (const sheet of reader) {
      for await (const row of sheet) {
        yield { line: row.number, cells: (row.values as unknown[]).slice(1) };
      }
      return;
    }
    return;
  }

  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const headerLine = first.value
    .subarray(0, first.value.indexOf(10) >= 0 ? first.value.indexOf(10) : undefined)
    .toString('utf8');
  const delimiter = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const parser = Readable.from(
    (async function* () {
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
  ).pipe(parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, info: true }));
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { line: record.info.lines, cells: record.record };
  }
}
