/**
 * The hostile-file corpus: uploads built to break a parser — malformed, truncated, lying about their size,
 * bombs. Generated here (nothing binary is checked in), deterministically, so a failure replays exactly.
 * Each file states what the registry must end with: completed (and how many rows applied) or failed with
 * an H-code.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface HostileFile {
  name: string;
  data: Buffer;
  expect: { status: 'completed'; applied: number; failed: number } | { status: 'failed'; code: string };
}

interface ZipEntry {
  name: string;
  /** The content, or its pieces (a bomb is generated piece by piece, never whole in memory). */
  data: Buffer | (() => Iterable<Buffer>);
  /** What the local and central headers claim, when a test wants them to lie. */
  declaredSize?: number;
}

async function deflate(data: ZipEntry['data']): Promise<{ compressed: Buffer; size: number; crc: number }> {
  let size = 0;
  let crc = 0;
  const pieces = function* () {
    for (const piece of typeof data === 'function' ? data() : [data]) {
      size += piece.length;
      crc = crc32(piece, crc);
      yield piece;
    }
  };
  const out: Buffer[] = [];
  for await (const part of Readable.from(pieces()).pipe(createDeflateRaw())) out.push(part as Buffer);
  return { compressed: Buffer.concat(out), size, crc };
}

/** A minimal ZIP writer (deflate, no data descriptors): enough to build XLSX files, broken ones included. */
export async function zip(entries: ZipEntry[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const { compressed, size: actualSize, crc } = await deflate(entry.data);
    const size = entry.declaredSize ?? actualSize;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const HEADER = ['recipient', 'recipientType', 'type', 'status', 'source', 'consentDate'];

/** An XLSX workbook around one sheet's XML (and, optionally, a shared-strings table). */
export function xlsx(
  sheetXml: ZipEntry['data'] | string,
  options: { sharedStrings?: ZipEntry['data']; sheetDeclaredSize?: number } = {},
): Promise<Buffer> {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const { sharedStrings } = options;
  return zip([
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets><sheet name="izinler" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
          `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>` +
          (sharedStrings
            ? `<Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/>`
            : '') +
          `</Relationships>`,
      ),
    },
    ...(sharedStrings ? [{ name: 'xl/sharedStrings.xml', data: sharedStrings }] : []),
    {
      name: 'xl/worksheets/sheet1.xml',
      data: typeof sheetXml === 'string' ? Buffer.from(sheetXml) : sheetXml,
      declaredSize: options.sheetDeclaredSize,
    },
  ]);
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Inline-string rows; `withReferences: false` leaves out every `r=` (valid OOXML: position follows order). */
export function sheet(rows: string[][], withReferences = true): string {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const body = rows
    .map((cells, r) => {
      const row = withReferences ? ` r="${r + 1}"` : '';
      const xml = cells
        .map((cell, c) => {
          const ref = withReferences ? ` r="${String.fromCharCode(65 + c)}${r + 1}"` : '';
          return `<c${ref} t="inlineStr"><is><t>${escapeXml(cell)}</t></is></c>`;
        })
        .join('');
      return `<row${row}>${xml}</row>`;
    })
    .join('');
  return `<?xml version="1.0"?><worksheet xmlns="${ns}"><sheetData>${body}</sheetData></worksheet>`;
}

/** Deterministic bytes (SHA-256 in counter mode): "random" content that is the same on every run. */
export function pseudoRandomBytes(length: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let offset = 0, counter = 0; offset < length; counter++) {
    offset += createHash('sha256').update(`${seed}:${counter}`).digest().copy(out, offset);
  }
  return out;
}

/** `count` copies of `piece`, a megabyte at a time, between `head` and `tail`. */
function repeated(head: string, piece: string, count: number, tail: string): () => Iterable<Buffer> {
  return function* () {
    yield Buffer.from(head);
    const perMegabyte = Math.max(1, Math.floor((1024 * 1024) / piece.length));
    const block = Buffer.from(piece.repeat(perMegabyte));
    for (let left = count; left > 0; left -= perMegabyte)
      yield left >= perMegabyte ? block : Buffer.from(piece.repeat(left));
    yield Buffer.from(tail);
  };
}

/**
 * The corpus. `wireDate` is a consentDate inside the upload deadline; `phone(i)` a valid recipient. Files that
 * must apply give distinct recipients, so the same corpus can be uploaded to one brand.
 */
export async function hostileCorpus(wireDate: string, phone: (i: number) => string): Promise<HostileFile[]> {
  const csv = (...lines: string[]) => Buffer.from([HEADER.join(','), ...lines, ''].join('\n'));
  const row = (recipient: string) => `${recipient},BIREYSEL,MESAJ,ONAY,HS_WEB,${wireDate}`;
  const rowCells = (i: number) => [phone(i), 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB', wireDate];
  const goodXlsx = await xlsx(sheet([HEADER, rowCells(20), rowCells(21)]));
  const dtd =
    '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';
  return [
    {
      // The red team's 112 bytes: a NUL inside a quoted field.
      name: 'nul-in-quoted-field.csv',
      data: csv(`"${phone(1).slice(0, 6)}\u0000${phone(1).slice(6)}",BIREYSEL,MESAJ,ONAY,HS_WEB,${wireDate}`),
      expect: { status: 'completed', applied: 0, failed: 1 },
    },
    {
      name: 'quote-inside-unquoted-field.csv',
      data: csv(row(`${phone(2).slice(0, 5)}"${phone(2).slice(5)}`), row(phone(3))),
      expect: { status: 'completed', applied: 1, failed: 1 },
    },
    {
      name: 'never-closed-quote.csv',
      data: Buffer.concat([csv(row(phone(4))), Buffer.from('"'), Buffer.alloc(600 * 1024, 'a')]),
      expect: { status: 'failed', code: 'H964' },
    },
    {
      name: 'random-bytes.csv',
      data: pseudoRandomBytes(8 * 1024 * 1024, 'random-csv'),
      expect: { status: 'failed', code: 'H961' },
    },
    {
      name: 'random-bytes-behind-a-zip-signature.xlsx',
      data: Buffer.concat([Buffer.from('PK\x03\x04'), pseudoRandomBytes(256 * 1024, 'random-xlsx')]),
      expect: { status: 'failed', code: 'H961' },
    },
    {
      name: 'truncated.xlsx',
      data: goodXlsx.subarray(0, Math.floor(goodXlsx.length / 2)),
      expect: { status: 'failed', code: 'H961' },
    },
    {
      name: 'entity-expansion-dtd.xlsx',
      data: await xlsx(
        sheet([HEADER, rowCells(5)])
          .replace('?>', `?>${dtd}`)
          .replace('HS_WEB', '&lol2;'),
      ),
      expect: { status: 'failed', code: 'H961' },
    },
    {
      // The sheet claims to inflate to 10 bytes and inflates to far more.
      name: 'size-lying-entry.xlsx',
      data: await xlsx(sheet([HEADER, rowCells(6)]), { sheetDeclaredSize: 10 }),
      expect: { status: 'failed', code: 'H961' },
    },
    {
      // OOXML lets a writer leave out every row and cell reference; the rows must still be read right.
      name: 'no-cell-references.xlsx',
      data: await xlsx(sheet([HEADER, rowCells(7), rowCells(8)], false)),
      expect: { status: 'completed', applied: 2, failed: 0 },
    },
    {
      name: 'cell-over-2000-characters.csv',
      data: csv(row(phone(9)), `${'9'.repeat(2500)},BIREYSEL,MESAJ,ONAY,HS_WEB,${wireDate}`),
      expect: { status: 'completed', applied: 1, failed: 1 },
    },
    {
      name: 'missing-columns.csv',
      data: Buffer.from(`recipient,status\n${phone(10)},ONAY\n`),
      expect: { status: 'failed', code: 'H961' },
    },
    {
      // Excel's "Unicode text": UTF-16 with its BOM.
      name: 'utf16-text.csv',
      data: Buffer.from(`\ufeff${HEADER.join(',')}\n${row(phone(11))}\n`, 'utf16le'),
      expect: { status: 'completed', applied: 1, failed: 0 },
    },
    { name: 'just-a-header.csv', data: csv(), expect: { status: 'completed', applied: 0, failed: 0 } },
    {
      // Phones as people in Türkiye write them, and as Excel saves them (without the `+`).
      name: 'turkish-phone-forms.csv',
      data: csv(
        row('0535 000 00 30'),
        row(phone(31).slice(1)),
        row('+90 535 000 00 32'),
        row('(0535) 000-00-33'),
        row('0535.000.00.34'),
      ),
      expect: { status: 'completed', applied: 5, failed: 0 },
    },
  ];
}

/**
 * Bombs: small files that expand beyond any reasonable memory. Each must fail with its code while the
 * process's memory stays bounded.
 */
export async function bombCorpus(): Promise<HostileFile[]> {
  return [
    {
      // 20 million one-character shared strings: ~340 MB of XML that deflates to about a megabyte.
      name: 'shared-strings-bomb.xlsx',
      data: await xlsx(sheet([HEADER]), {
        sharedStrings: repeated('<sst>', '<si><t>a</t></si>', 20_000_000, '</sst>'),
      }),
      expect: { status: 'failed', code: 'H965' },
    },
    {
      // One inline cell of 300 MB of 'a'.
      name: 'giant-cell.xlsx',
      data: await xlsx(
        repeated(
          '<worksheet><sheetData><row><c t="inlineStr"><is><t>',
          'a',
          300 * 1024 * 1024,
          '</t></is></c></row></sheetData></worksheet>',
        ),
      ),
      expect: { status: 'failed', code: 'H964' },
    },
    {
      // More rows than the limit allows, as a CSV of tiny lines: refused before any row is applied.
      name: 'five-million-and-one-rows.csv',
      data: Buffer.concat([Buffer.from(`${HEADER.join(',')}\n`), Buffer.alloc(5_000_001 * 2, 'x\n')]),
      expect: { status: 'failed', code: 'H963' },
    },
  ];
}
