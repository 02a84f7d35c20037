import { createHash, createHmac, hash } from 'node:crypto';

const BLOCK_BYTES = 64;
/** The length of every HMAC-SHA-256 this makes (a blind index's length). */
export const DIGEST_BYTES = 32;
/** Room for a message's UTF-8 bytes in the scratch block; a longer message takes createHmac. */
const MESSAGE_ROOM = 1024;
const IPAD = 0x36;
const OPAD = 0x5c;

/** HMAC-SHA-256 of text under one key, as a Buffer or as a 32-character latin1 string. */
export interface KeyedHash {
  bytes(message: string): Buffer;
  latin1(message: string): string;
}

/**
 * HMAC-SHA-256 (RFC 2104) under one fixed key, computed from its definition,
 * SHA-256((K ⊕ opad) ‖ SHA-256((K ⊕ ipad) ‖ m)), with node:crypto's one-shot `hash` over two blocks kept
 * for the key. The output is createHmac's, bit for bit (keyed-hash.test.ts compares them).
 *
 * Why: a createHmac call builds and later frees a native object per message. For the blind index of every
 * checked address that was the gateway's costliest step (45 % of the CPU of a 1000-recipient check, with
 * its garbage); two one-shot hashes cost half as much and allocate only their result.
 *
 * Each instance owns its scratch blocks, and a thread runs one call at a time, so calls never share them.
 * ('binary' is Node's name for latin1 in the digest encodings.)
 */
export function createKeyedHash(key: Buffer): KeyedHash {
  const blockKey = key.length > BLOCK_BYTES ? createHash('sha256').update(key).digest() : key;
  const inner = Buffer.alloc(BLOCK_BYTES + MESSAGE_ROOM);
  const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const k = blockKey[i] ?? 0;
    inner[i] = k ^ IPAD;
    outer[i] = k ^ OPAD;
  }

  /** Loads the outer block with the inner digest; false when the message does not fit the scratch. */
  function loadOuter(message: string): boolean {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes, so this bound guarantees the write is whole.
    if (message.length * 3 > MESSAGE_ROOM) return false;
    const length = inner.write(message, BLOCK_BYTES, 'utf8');
    outer.write(hash('sha256', inner.subarray(0, BLOCK_BYTES + length), 'binary'), BLOCK_BYTES, 'latin1');
    return true;
  }

  return {
    bytes: (message) =>
      loadOuter(message)
        ? hash('sha256', outer, 'buffer')
        : createHmac('sha256', key).update(message, 'utf8').digest(),
    latin1: (message) =>
      loadOuter(message)
        ? hash('sha256', outer, 'binary')
        : createHmac('sha256', key).update(message, 'utf8').digest('binary'),
  };
}
