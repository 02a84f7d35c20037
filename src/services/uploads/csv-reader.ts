import Papa from 'papaparse';
import { FileRejected, UPLOAD_LIMITS } from '../../domain/upload-limits.js';
import type { FileRow } from './upload-reader.js';
import type { ByteSource } from './zip-source.js';

/**
 * Text is parsed this much at a time: the records of one slice are all that is held. Small enough that they
 * die young: counting a 5 M-line file of two-byte lines left ~35 MB of garbage on the heap with 64 K slices
 * (~32,000 records each) and ~14 MB with 16 K. Reading a million ordinary rows took ~0.75 s either way.
 */
const SLICE_CHARS = 16 * 1024;

/** UTF-8 (with or without its BOM), or UTF-16 when the file starts with that BOM ("Unicode text" in Excel). */
function decoderFor(firstBytes: Buffer): TextDecoder {
  if (firstBytes[0] === 0xff && firstBytes[1] === 0xfe) return new TextDecoder('utf-16le');
  if (firstBytes[0] === 0xfe && firstBytes[1] === 0xff) return new TextDecoder('utf-16be');
  return new TextDecoder('utf-8');
}

/** Comma or semicolon (Excel's choice in a Turkish locale), whichever the header line has more of. */
function delimiterOf(text: string): ',' | ';' {
  const header = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
}

/** A slice's records as the parser gives them, blank lines included, and the row number of the first. */
export interface CsvRecords {
  firstRow: number;
  records: string[][];
}

/** An empty line: counted in the numbering, never a row. */
export const isBlankRecord = (cells: string[]): boolean => cells.length <= 1 && cells[0] === '';

/** The rows of a CSV file (see readCsvRecords), blank lines skipped. */
export async function* readCsvRows(source: ByteSource): AsyncGenerator<FileRow[]> {
  for await (const { firstRow, records } of readCsvRecords(source)) {
    const rows: FileRow[] = [];
    records.forEach((cells, i) => isBlankRecord(cells) || rows.push({ line: firstRow + i, cells }));
    yield rows;
  }
}

/**
 * Streams the records of a CSV file. Rows are numbered as a spreadsheet numbers them (the header is row 1),
 * empty lines count. A stray quote inside an unquoted field stays text (the row is then
 * judged like any other). The text after the last complete record is carried into the next slice; when that
 * carry outgrows UPLOAD_LIMITS.maxRecordBytes (a quote never closed) the file is refused with H964.
 *
 * papaparse rather than csv-parse: csv-parse builds an Error with a stack trace for every row whose length
 * differs from the header's, even when told to accept it (~35 µs a row: minutes for a file of short lines).
 */
export async function* readCsvRecords(source: ByteSource): AsyncGenerator<CsvRecords> {
  let decoder: TextDecoder | undefined;
  let delimiter: ',' | ';' | undefined;
  let newline: '\r\n' | '\n' | '\r' | undefined;
  let carry = '';
  let row = 0;

  function parse(text: string, last: boolean): CsvRecords {
    // A slice may end between the \r and \n of one line break: the \r waits for the next slice.
    const held = !last && text.endsWith('\r') ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const parser = new Papa.Parser({ delimiter, newline, quoteChar: '"', skipEmptyLines: false });
    const result = parser.parse(text, 0, !last) as Papa.ParseResult<string[]>;
    const consumed = last ? text.length : result.meta.cursor;
    carry = text.slice(consumed) + held;
    if (carry.length > UPLOAD_LIMITS.maxRecordBytes)
      throw new FileRejected('H964', 'kayıt çok uzun (kapanmamış bir tırnak olabilir).', row + 1);
    const slice = { firstRow: row + 1, records: result.data };
    row += result.data.length;
    return slice;
  }

  /** The header line decides the delimiter and the line break; until it is whole, text is only carried. */
  const ready = (text: string, last: boolean): boolean => {
    if (delimiter !== undefined) return true;
    // A \r at the very end may be the first half of \r\n.
    const lineBreak = /\r\n|\n|\r/.exec(last ? text : text.replace(/\r$/, ''));
    if (!lineBreak && !last && text.length <= UPLOAD_LIMITS.maxRecordBytes) return false;
    delimiter = delimiterOf(text);
    newline = lineBreak?.[0] as typeof newline;
    return true;
  };

  // TextDecoder drops the byte-order mark itself.
  for await (const bytes of source.read(0, source.size)) {
    decoder ??= decoderFor(bytes);
    for (let at = 0; at < bytes.length; at += SLICE_CHARS) {
      const text = carry + decoder.decode(bytes.subarray(at, at + SLICE_CHARS), { stream: true });
      if (ready(text, false)) yield parse(text, false);
      else carry = text;
    }
  }
  if (decoder) {
    const text = carry + decoder.decode();
    ready(text, true);
    yield parse(text, true);
  }
}
