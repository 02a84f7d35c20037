import { FieldCipher } from '../../crypto/field-cipher.js';
import type { UploadRepository } from '../../repositories/upload.repository.js';
import type { ByteSource } from './zip-source.js';

/**
 * An upload's stored file as a readable-anywhere byte source (an XLSX is read from its directory at the
 * end): chunks are located by their sizes and decrypted one at a time, the last one kept for the next read.
 */
export async function openStoredFile(
  uploadId: string,
  deps: { uploads: UploadRepository; cipher: FieldCipher; aad: (seq: number) => Buffer },
): Promise<ByteSource> {
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
