import { randomBytes } from 'node:crypto';

/**
 * CSPRNG bytes drawn a block at a time: one call into OpenSSL per 8 KiB instead of one per nonce or id,
 * which showed up in bulk-ingest profiles. Every block is freshly allocated and handed out once, slice by
 * slice, so no two callers ever see the same bytes.
 */
export function createRandomPool(blockSize = 8192): (length: number) => Buffer {
  let block = Buffer.alloc(0);
  let offset = 0;
  return (length) => {
    if (offset + length > block.length) {
      block = randomBytes(Math.max(blockSize, length));
      offset = 0;
    }
    const slice = block.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
}
