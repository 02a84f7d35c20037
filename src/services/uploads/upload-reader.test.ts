import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { sheet, xlsx } from '../../../test/faults/hostile-files.js';
import { FileRejected } from '../../domain/upload-limits.js';
import { countRows, readRows, sniffFormat, type FileRow } from './upload-reader.js';
import { bufferSource, type ByteSource } from './zip-source.js';

/** The file handed over in pieces of `size` bytes, as stored chunks arrive. */
function pieces(data: Buffer, size: number): ByteSource {
  return {
    size: data.length,
    read: async function* (start, end) {
      for (let at = start; at < end; at += size) yield data.subarray(at, Math.min(end, at + size));
    },
  };
}

async function rowsOf(data: Buffer, source: ByteSource = bufferSource(data)): Promise<FileRow[]> {
  const rows: FileRow[] = [];
  for await (const batch of readRows(sniffFormat(data), source)) rows.push(...batch);
  return rows;
}

async function rejection(data: Buffer): Promise<FileRejected> {
  try {
    await rowsOf(data);
  } catch (error) {
    assert.ok(error instanceof FileRejected, String(error));
    return error;
  }
  assert.fail('the file was accepted');
}

test('CSV rows are the same however the file is cut into pieces', async () => {
  const csv = Buffer.from(
    '\ufeffrecipient;type;note\r\n+905321234567;MESAJ;"two\r\nlines; and ""quotes"""\r\n\r\na"b;EPOSTA;\u0000\r\nlast;ARAMA;x',
  );
  const whole = await rowsOf(csv);
  assert.deepEqual(whole, [
    { line: 1, cells: ['recipient', 'type', 'note'] },
    { line: 2, cells: ['+905321234567', 'MESAJ', 'two\r\nlines; and "quotes"'] },
    { line: 4, cells: ['a"b', 'EPOSTA', '\u0000'] },
    { line: 5, cells: ['last', 'ARAMA', 'x'] },
  ]);
  for (const size of [1, 2, 3, 7, 64]) {
    assert.deepEqual(await rowsOf(csv, pieces(csv, size)), whole, `${size}`);
    // The first pass counts what the second reads: quoted line breaks inside a row, blank lines outside.
    assert.equal(await countRows('csv', pieces(csv, size)), whole.length, `${size}`);
  }
});

test('CSV in UTF-16 (Excel’s "Unicode text") is read like UTF-8', async () => {
  const text = 'recipient,type\n+905321234567,MESAJ\n';
  assert.deepEqual(await rowsOf(Buffer.from(`\ufeff${text}`, 'utf16le')), await rowsOf(Buffer.from(text)));
});

test('a quote never closed is refused with H964 once it outgrows a record', async () => {
  const error = await rejection(Buffer.concat([Buffer.from('a,b\n1,2\n"'), Buffer.alloc(300 * 1024, 'x')]));
  assert.equal(error.code, 'H964');
  assert.match(error.message, /^Satır 3: /);
});

test('XLSX: shared, inline, rich and phonetic text, numbers and booleans, with and without references', async () => {
  const strings = Buffer.from(
    '<sst><si><t>recipient</t></si><si><r><t>ME</t></r><r><t>SAJ</t></r><rPh><t>ignored</t></rPh></si></sst>',
  );
  const withRefs = await xlsx(
    '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>' +
      '<row r="3"><c r="A3"><v>905321234567</v></c><c r="B3" t="s"><v>1</v></c><c r="C3" t="b"><v>1</v></c></row></sheetData></worksheet>',
    { sharedStrings: strings },
  );
  assert.deepEqual(await rowsOf(withRefs), [
    { line: 1, cells: ['recipient', null, 'x'] },
    { line: 3, cells: [905321234567, 'MESAJ', 'TRUE'] },
  ]);
  const withoutRefs = await xlsx(
    sheet(
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
      false,
    ),
  );
  assert.deepEqual(await rowsOf(withoutRefs), [
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['c', 'd'] },
  ]);
});

test('XLSX written by exceljs (the template) is read, dates as Excel serials', async () => {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet('izinler');
  ws.addRow(['recipient', 'consentDate']);
  ws.addRow(['+905321234567', new Date(Date.UTC(2026, 10, 27, 14, 30))]);
  const data = Buffer.from(await workbook.xlsx.writeBuffer());
  const rows = await rowsOf(data, pieces(data, 100));
  assert.equal(rows.length, 2);
  assert.equal(rows[1]!.cells[0], '+905321234567');
  assert.equal(typeof rows[1]!.cells[1], 'number');
});

test('broken XLSX files are refused with H961, never thrown as something else', async () => {
  const good = await xlsx(sheet([['a'], ['b']]));
  for (const broken of [
    good.subarray(0, good.length - 10),
    Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(1000, 7)]),
    await xlsx('<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>'),
    await xlsx('<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'),
  ]) {
    assert.equal((await rejection(broken)).code, 'H961');
  }
});

test('counting five million short lines keeps the heap small: nothing of a slice outlives it', async () => {
  // The 5,000,001-line bomb of test/faults. Counted through readRows (a row object per line) in 64 K-character
  // slices, the heap grew by ~80 MB here (and by 250–350 MB at times in a process that had imported files);
  // counting the parser's records in 16 K slices, by ~14 MB.
  const data = Buffer.concat([Buffer.from('recipient,type\n'), Buffer.alloc(5_000_001 * 2, 'x\n')]);
  global.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  // Stored chunks of 1 MB, each read after a turn of the event loop (as from the database): measured there.
  const source: ByteSource = {
    size: data.length,
    read: async function* (start, end) {
      for (let at = start; at < end; at += 1024 * 1024) {
        await setImmediate();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        yield data.subarray(at, Math.min(end, at + 1024 * 1024));
      }
    },
  };
  const rejected = await countRows('csv', source).then(String, (error: unknown) => error);
  assert.ok(rejected instanceof FileRejected, String(rejected));
  assert.deepEqual([rejected.code, rejected.row], ['H963', 5_000_002]);
  const growthMb = (peak - baseline) / 1024 / 1024;
  assert.ok(growthMb < 40, `the heap grew by ${growthMb.toFixed(0)} MB`);
});
