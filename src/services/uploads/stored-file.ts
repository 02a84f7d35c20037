import { createHash } from 'node:crypto';
import { FieldCipher } from '../../crypto/field-cipher.js';
import type { UploadRepository } from '../../repositories/upload.repository.js';
import { countNewlines, sniffFormat } from './upload-reader.js';
import type { ByteSource } from './zip-source.js';

const CHUNK_BYTES = 1024 * 1024;

interface StoredFileDeps {
  uploads: UploadRepository;
  cipher: FieldCipher;
  aad: (seq: number) => Buffer;
}

/**
 * Stores a file as it arrives, in encrypted chunks of about 1 MB (never whole in memory, never plaintext at
 * rest), and answers what the upload records of it: its format (sniffed from its first bytes), size,
 * SHA-256 and newlines (a CSV's row estimate). Past `maxBytes` it stops with `tooLarge()`.
 */
export async function storeFile(
  uploadId: string,
  stream: AsyncIterable<Buffer>,
  deps: StoredFileDeps & { maxBytes: number; tooLarge: () => Error },
): Promise<{ format: 'csv' | 'xlsx' | undefined; bytes: number; newlines: number; sha256: Buffer }> {
  const { uploads, cipher, aad, maxBytes, tooLarge } = deps;
  const hash = createHash('sha256');
  let format: 'csv' | 'xlsx' | undefined;
  let bytes = 0;
  let newlines = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const store = async () => {
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await uploads.insertChunk(uploadId, seq, cipher.encrypt(chunk, aad(seq)));
    seq++;
  };
  for await (const data of stream) {
    format ??= sniffFormat(data);
    hash.update(data);
    bytes += data.length;
    if (bytes > maxBytes) throw tooLarge();
    if (format === 'csv') newlines += countNewlines(data);
    pending.push(data);
    pendingBytes += data.length;
    if (pendingBytes >= CHUNK_BYTES) await store();
  }
  if (pendingBytes > 0) await store();
  return { format, bytes, newlines, sha256: hash.digest() };
}

/**
 * An upload's stored file as a readable-anywhere byte source (an XLSX is read from its directory at the
 * end): chunks are located by their sizes and decrypted one at a time, the last one kept for the next read.
 */
export async function openStoredFile(uploadId: string, deps: StoredFileDeps): Promise<ByteSource> {
  const { uploads, cipher, aad } = deps;
  const starts: number[] = [];
  let size = 0;
  for (const { bytes } of await uploads.listChunkSizes(uploadId)) {
    starts.push(size);
    size += FieldCipher.plaintextLength(bytes);
  }
  let cached: { seq: number; data: Buffer } | undefined;
  const chunk = async (seq: number) => {
    if (cached?.seq !== seq) {
      const sealed = await uploads.readChunk(uploadId, seq);
      if (!sealed) throw new Error(`upload chunk ${seq} is missing`);
      cached = { seq, data: cipher.decryptBytes(sealed, aad(seq)) };
    }
    return cached.data;
  };
  return {
    size,
    async *read(start, end) {
      for (let seq = 0; seq < starts.length; seq++) {
        const from = starts[seq]!;
        const to = seq + 1 < starts.length ? starts[seq + 1]! : size;
        if (to <= start || from >= end) continue;
        const data = await chunk(seq);
        yield data.subarray(Math.max(0, start - from), Math.min(data.length, end - from));
      }
    },
  };
}
