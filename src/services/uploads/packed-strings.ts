import { FileRejected, UPLOAD_LIMITS } from '../../domain/upload-limits.js';

/**
 * An XLSX shared-strings table held as one UTF-8 buffer with offsets: a million short strings cost their
 * bytes plus four per entry, not a JavaScript string object each. Growth stops at the limits with H965, so a
 * table that claims 20 million entries costs at most the bounded prefix read before it is refused.
 */
export class PackedStrings {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private ends = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(text: string): void {
    if (this.count >= UPLOAD_LIMITS.maxSharedStrings) throw tooLarge();
    const length = Buffer.byteLength(text);
    if (this.used + length > UPLOAD_LIMITS.maxSharedStringBytes) throw tooLarge();
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(UPLOAD_LIMITS.maxSharedStringBytes, Math.max(this.bytes.length * 2, this.used + length)),
      );
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(Math.min(UPLOAD_LIMITS.maxSharedStrings, this.ends.length * 2));
      grown.set(this.ends);
      this.ends = grown;
    }
    this.used += this.bytes.write(text, this.used);
    this.ends[this.count++] = this.used;
  }

  /** The entry at `index`, or undefined for an index the table does not have. */
  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const start = index === 0 ? 0 : this.ends[index - 1]!;
    return this.bytes.toString('utf8', start, this.ends[index]!);
  }
}

const tooLarge = () =>
  new FileRejected(
    'H965',
    `paylaşılan metin tablosu en fazla ${UPLOAD_LIMITS.maxSharedStrings.toLocaleString('tr-TR')} kayıt ve ` +
      `${UPLOAD_LIMITS.maxSharedStringBytes / 1024 / 1024} MB olabilir.`,
  );
