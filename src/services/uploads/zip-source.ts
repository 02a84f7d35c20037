import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { FileRejected, UPLOAD_LIMITS } from '../../domain/upload-limits.js';

/** A stored file that can be read at any offset (the upload's encrypted chunks, or a buffer in tests). */
export interface ByteSource {
  readonly size: number;
  /** The bytes from `start` (inclusive) to `end` (exclusive). */
  read(start: number, end: number): AsyncIterable<Buffer>;
}

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: async function* (start, end) {
      yield buffer.subarray(start, end);
    },
  };
}

class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ByteSource) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.source.read(start, end));
  }
}

const notAZip = () => new FileRejected('H961', 'XLSX dosyası bozuk veya eksik (ZIP dizini okunamadı).');

/**
 * An XLSX's ZIP, read through its central directory (at the end of the file) rather than front to back: a
 * truncated file fails at once, parts are opened in the order the reader needs them, and every entry's
 * declared size is checked against what it inflates to (yauzl's validateEntrySizes), so a ZIP cannot lie
 * about how much it expands.
 */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
  ) {}

  static async open(source: ByteSource): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
        yauzl.fromRandomAccessReader(
          new SourceReader(source),
          source.size,
          { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
          (error, opened) => (error ? reject(error) : resolve(opened)),
        ),
      );
    } catch (error) {
      if (error instanceof FileRejected) throw error;
      throw notAZip();
    }
    if (zip.entryCount > UPLOAD_LIMITS.maxZipEntries)
      throw new FileRejected('H961', 'XLSX dosyasında çok fazla parça var.');
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName.replace(/^\/+/, ''), entry);
        zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', () => reject(notAZip()));
      zip.readEntry();
    });
    return new ZipArchive(zip, entries);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The inflated bytes of one part, as a stream; undefined if the archive has no such part. */
  async open(name: string): Promise<AsyncIterable<Buffer> | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (entry.isEncrypted() || !entry.canDecodeFileData())
      throw new FileRejected('H961', 'XLSX dosyası şifreli veya desteklenmeyen biçimde sıkıştırılmış.');
    try {
      const stream = await new Promise<Readable>((resolve, reject) =>
        this.zip.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened))),
      );
      return rejectingCorruption(stream);
    } catch {
      throw notAZip();
    }
  }

  /** A small part (workbook, relationships) whole, refusing one larger than `maxBytes`. */
  async readText(name: string, maxBytes = 4 * 1024 * 1024): Promise<string | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (entry.uncompressedSize > maxBytes) throw new FileRejected('H961', `XLSX parçası çok büyük: ${name}`);
    const parts: Buffer[] = [];
    for await (const part of (await this.open(name))!) parts.push(part);
    return Buffer.concat(parts).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }
}

/** Inflate errors, CRC and size mismatches all mean the same to the person who uploaded the file. */
async function* rejectingCorruption(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const part of stream) yield part as Buffer;
  } catch {
    throw new FileRejected('H961', 'XLSX dosyası bozuk (sıkıştırılmış veri açılamadı).');
  } finally {
    stream.destroy();
  }
}
