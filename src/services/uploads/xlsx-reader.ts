import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FileRejected, UPLOAD_LIMITS } from '../../domain/upload-limits.js';
import { PackedStrings } from './packed-strings.js';
import type { FileRow } from './upload-reader.js';
import { ZipArchive, type ByteSource } from './zip-source.js';

/** Element names without a namespace prefix (`x:row` and `row` are the same element). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * Parses an XML part as a stream, calling `onOpen`/`onClose`/`onText`, and yields whatever `drain` hands
 * back after each piece. Bounded: a DOCTYPE (OOXML never has one: it is how entity bombs start) is refused,
 * and so is a text run, name or attribute longer than UPLOAD_LIMITS.maxRecordBytes.
 */
async function* parseXml<T>(
  chunks: AsyncIterable<Buffer>,
  handlers: {
    onOpen(tag: SaxesTagPlain): void;
    onClose(name: string): void;
    onText(text: string): void;
    drain(): T[];
    row(): number | null;
  },
): AsyncGenerator<T> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: unknown;
  parser.on('doctype', () => {
    throw new FileRejected('H961', 'XLSX dosyası DTD (DOCTYPE) içeremez.');
  });
  parser.on('opentag', (tag) => handlers.onOpen(tag as SaxesTagPlain));
  parser.on('closetag', (tag) => handlers.onClose(local(tag.name)));
  parser.on('text', (text) => handlers.onText(text));
  parser.on('cdata', (text) => handlers.onText(text));
  parser.on('error', (error) => {
    failure ??= error;
  });
  // saxes keeps the run it is reading in these fields until it ends; they are its only unbounded buffers.
  const pending = parser as unknown as { text?: string; name?: string };
  const decoder = new TextDecoder('utf-8');
  const write = (text: string) => {
    try {
      parser.write(text);
    } catch (error) {
      failure ??= error;
    }
    if (failure instanceof FileRejected) throw failure;
    if (failure) throw new FileRejected('H961', 'XLSX dosyasındaki XML bozuk.', handlers.row());
    if ((pending.text?.length ?? 0) > UPLOAD_LIMITS.maxRecordBytes || (pending.name?.length ?? 0) > 1024)
      throw new FileRejected('H964', 'hücre metni çok uzun.', handlers.row());
  };
  for await (const chunk of chunks) {
    // A large inflated piece is fed in slices, so the rows it holds are handed on in bounded groups.
    for (let at = 0; at < chunk.length; at += 64 * 1024) {
      write(decoder.decode(chunk.subarray(at, at + 64 * 1024), { stream: true }));
      yield* handlers.drain();
    }
  }
  write(decoder.decode());
  try {
    parser.close();
  } catch (error) {
    failure ??= error;
  }
  if (failure instanceof FileRejected) throw failure;
  if (failure) throw new FileRejected('H961', 'XLSX dosyasındaki XML eksik veya bozuk.', handlers.row());
  yield* handlers.drain();
}

/** Collects text inside <t> (not inside phonetic <rPh> runs), as shared strings and inline strings hold it. */
function textCollector() {
  let inT = false;
  let inPhonetic = false;
  let text = '';
  return {
    open(name: string) {
      if (name === 't' && !inPhonetic) inT = true;
      else if (name === 'rPh') inPhonetic = true;
    },
    close(name: string) {
      if (name === 't') inT = false;
      else if (name === 'rPh') inPhonetic = false;
    },
    add(chunk: string) {
      if (!inT) return;
      text += chunk;
      if (text.length > UPLOAD_LIMITS.maxRecordBytes) throw new FileRejected('H964', 'hücre metni çok uzun.');
    },
    take() {
      const taken = text;
      text = '';
      return taken;
    },
  };
}

async function readSharedStrings(zip: ZipArchive, part: string | undefined): Promise<PackedStrings> {
  const strings = new PackedStrings();
  const chunks = part ? await zip.open(part) : undefined;
  if (!chunks) return strings;
  const text = textCollector();
  let inItem = false;
  for await (const _ of parseXml<never>(chunks, {
    onOpen(tag) {
      const name = local(tag.name);
      if (name === 'si') inItem = true;
      else if (inItem) text.open(name);
    },
    onClose(name) {
      if (name === 'si') {
        inItem = false;
        strings.push(text.take());
      } else text.close(name);
    },
    onText: (chunk) => text.add(chunk),
    drain: () => [],
    row: () => null,
  }));
  return strings;
}

/** "AB12" → 27 (0-based column of a cell reference); null when the reference has no letters. */
function columnOf(reference: string): number | null {
  let column = 0;
  let i = 0;
  for (; i < reference.length; i++) {
    const code = reference.charCodeAt(i) | 0x20; // lower case
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
    if (column > UPLOAD_LIMITS.maxColumns) throw new FileRejected('H961', 'hücre adresi geçersiz.');
  }
  return i === 0 ? null : column - 1;
}

/** Excel's error values, booleans and ISO dates become what the CSV reader would give for the same cell. */
function cellValue(type: string, raw: string, strings: PackedStrings): unknown {
  switch (type) {
    case 's':
      return strings.get(Number(raw)) ?? '';
    case 'str':
    case 'inlineStr':
    case 'e':
      return raw;
    case 'b':
      return raw === '1' ? 'TRUE' : 'FALSE';
    case 'd': {
      const date = new Date(`${raw.length === 19 ? `${raw}Z` : raw}`);
      return Number.isNaN(date.getTime()) ? raw : date;
    }
    default: {
      const number = Number(raw);
      return raw.trim() !== '' && Number.isFinite(number) ? number : raw;
    }
  }
}

/** Where the workbook's first sheet and its shared strings live, from the workbook and its relationships. */
async function locateParts(zip: ZipArchive): Promise<{ sheet: string; sharedStrings: string | undefined }> {
  const attribute = (tag: string, name: string) =>
    new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(tag)?.[1] ??
    new RegExp(`\\b${name}\\s*=\\s*'([^']*)'`).exec(tag)?.[1];
  const workbook = (await zip.readText('xl/workbook.xml')) ?? '';
  const rels = (await zip.readText('xl/_rels/workbook.xml.rels')) ?? '';
  if (/<!DOCTYPE/i.test(workbook) || /<!DOCTYPE/i.test(rels))
    throw new FileRejected('H961', 'XLSX dosyası DTD (DOCTYPE) içeremez.');
  const targets = new Map<string, { target: string; type: string }>();
  for (const [tag] of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (id && target) targets.set(id, { target, type: attribute(tag, 'Type') ?? '' });
  }
  const resolve = (target: string) =>
    target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  const firstSheet = /<(?:\w+:)?sheet\b[^>]*>/.exec(workbook)?.[0];
  const sheetRel = firstSheet ? attribute(firstSheet, '(?:\\w+:)?id') : undefined;
  const sheetTarget = sheetRel ? targets.get(sheetRel)?.target : undefined;
  const sheet = sheetTarget ? resolve(sheetTarget) : 'xl/worksheets/sheet1.xml';
  const strings = [...targets.values()].find((t) => t.type.endsWith('/sharedStrings'));
  const sharedStrings = strings
    ? resolve(strings.target)
    : zip.has('xl/sharedStrings.xml')
      ? 'xl/sharedStrings.xml'
      : undefined;
  if (!zip.has(sheet)) throw new FileRejected('H961', 'XLSX dosyasında çalışma sayfası bulunamadı.');
  return { sheet, sharedStrings };
}

/**
 * Streams the rows of an XLSX's first worksheet. Row and cell references (`r=`) are optional in OOXML: a
 * row without one follows the previous row, a cell without one the previous cell. Rows without any value
 * are skipped, as empty CSV lines are. Memory stays bounded: the shared strings are packed and capped, the
 * sheet is parsed as it inflates.
 */
export async function* readXlsxRows(source: ByteSource): AsyncGenerator<FileRow[]> {
  const zip = await ZipArchive.open(source);
  try {
    const parts = await locateParts(zip);
    const strings = await readSharedStrings(zip, parts.sharedStrings);
    const chunks = (await zip.open(parts.sheet))!;

    let rowNumber = 0;
    let cells: unknown[] = [];
    let hasValue = false;
    let inRow = false;
    let cell: { column: number; type: string } | undefined;
    let nextColumn = 0;
    let inValue = false;
    let value = '';
    const inline = textCollector();
    let ready: FileRow[] = [];

    yield* parseXml<FileRow[]>(chunks, {
      onOpen(tag) {
        const name = local(tag.name);
        const attributes = tag.attributes as Record<string, string>;
        if (name === 'row') {
          const declared = Number(attributes.r);
          rowNumber = Number.isInteger(declared) && declared > rowNumber ? declared : rowNumber + 1;
          inRow = true;
          cells = [];
          hasValue = false;
          nextColumn = 0;
        } else if (name === 'c' && inRow) {
          const column = attributes.r !== undefined ? (columnOf(attributes.r) ?? nextColumn) : nextColumn;
          if (column >= UPLOAD_LIMITS.maxColumns)
            throw new FileRejected('H961', 'hücre adresi geçersiz.', rowNumber);
          cell = { column, type: attributes.t ?? 'n' };
          nextColumn = column + 1;
          value = '';
        } else if (cell && name === 'v') {
          inValue = true;
        } else if (cell) {
          inline.open(name);
        }
      },
      onClose(name) {
        if (name === 'v') inValue = false;
        else if (name === 'c' && cell) {
          const raw = cell.type === 'inlineStr' ? inline.take() : value;
          if (raw !== '') {
            cells[cell.column] = cellValue(cell.type, raw, strings);
            hasValue = true;
          }
          cell = undefined;
        } else if (name === 'row') {
          inRow = false;
          if (hasValue) ready.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? null) });
        } else inline.close(name);
      },
      onText(text) {
        if (!cell) return;
        if (inValue) {
          value += text;
          if (value.length > UPLOAD_LIMITS.maxRecordBytes)
            throw new FileRejected('H964', 'hücre metni çok uzun.', rowNumber);
        } else inline.add(text);
      },
      drain() {
        const rows = ready;
        ready = [];
        return [rows];
      },
      row: () => rowNumber || null,
    });
  } finally {
    zip.close();
  }
}
