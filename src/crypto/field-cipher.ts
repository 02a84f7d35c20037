import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { createKeyedHash, DIGEST_BYTES, type KeyedHash } from './keyed-hash.js';
import type { KeyRing } from './keys.js';
import { createRandomPool } from './random-pool.js';

const VERSION = 1;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES;

/**
 * Field-level encryption for personal data (AES-256-GCM, random 96-bit nonce) and the HMAC blind index used
 * to look records up without decrypting anything.
 *
 * Ciphertext layout: version (1) ‖ key id (8) ‖ nonce (12) ‖ tag (16) ‖ ciphertext. The caller passes
 * associated data (the row's blind index), so a ciphertext copied onto another row fails to decrypt.
 */
export class FieldCipher {
  private readonly random = createRandomPool();
  private readonly currentKeyId: Buffer;
  /** The current key as a KeyObject, made once: a raw key is imported again by every createCipheriv. */
  private readonly currentKey: KeyObject;
  /** HMAC-SHA-256 under the blind-index key, without a native object per address (keyed-hash.ts). */
  private readonly blindIndexHash: KeyedHash;

  constructor(private readonly keys: KeyRing) {
    this.currentKeyId = Buffer.from(keys.currentKeyId, 'hex');
    this.currentKey = createSecretKey(keys.encryptionKeys.get(keys.currentKeyId)!);
    this.blindIndexHash = createKeyedHash(keys.blindIndexKey);
  }

  /** The length of every blind index (an HMAC-SHA-256). */
  static readonly blindIndexBytes = DIGEST_BYTES;

  /** The length of what `encrypt` sealed into `sealedBytes` bytes. */
  static plaintextLength(sealedBytes: number): number {
    return sealedBytes - HEADER_BYTES;
  }

  blindIndex(normalised: string): Buffer {
    return this.blindIndexHash.bytes(normalised);
  }

  /**
   * The same blind index as a 32-character latin1 string, straight from the digest: the gateway index's
   * map key, without a Buffer per address on the hot path.
   */
  blindIndexId(normalised: string): string {
    return this.blindIndexHash.latin1(normalised);
  }

  /** Blind index plus ciphertext bound to it: the only form in which an address reaches the database. */
  sealAddress(normalised: string): { recipientKey: Buffer; addressEnc: Buffer } {
    const recipientKey = this.blindIndex(normalised);
    return { recipientKey, addressEnc: this.encrypt(normalised, recipientKey) };
  }

  openAddress(recipientKey: Buffer, addressEnc: Buffer): string {
    return this.decrypt(addressEnc, recipientKey);
  }

  encrypt(plaintext: string | Buffer, associatedData: Buffer): Buffer {
    const nonce = this.random(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, nonce);
    cipher.setAAD(associatedData);
    const body = typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext);
    // GCM is a stream cipher: final() adds no bytes, it only computes the tag.
    const last = cipher.final();
    const sealed = Buffer.allocUnsafe(HEADER_BYTES + body.length + last.length);
    sealed[0] = VERSION;
    this.currentKeyId.copy(sealed, 1);
    nonce.copy(sealed, 1 + KEY_ID_BYTES);
    cipher.getAuthTag().copy(sealed, 1 + KEY_ID_BYTES + NONCE_BYTES);
    body.copy(sealed, HEADER_BYTES);
    last.copy(sealed, HEADER_BYTES + body.length);
    return sealed;
  }

  decrypt(sealed: Buffer, associatedData: Buffer): string {
    return this.decryptBytes(sealed, associatedData).toString('utf8');
  }

  decryptBytes(sealed: Buffer, associatedData: Buffer): Buffer {
    if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) {
      throw new Error('Unsupported ciphertext format');
    }
    const keyId = sealed.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
    const key = this.keys.encryptionKeys.get(keyId);
    if (!key) throw new Error(`Unknown encryption key id ${keyId}`);
    const nonceEnd = 1 + KEY_ID_BYTES + NONCE_BYTES;
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1 + KEY_ID_BYTES, nonceEnd));
    decipher.setAAD(associatedData);
    decipher.setAuthTag(sealed.subarray(nonceEnd, HEADER_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  }
}
