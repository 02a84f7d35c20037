import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Keys derived from one master secret with HKDF, one per purpose, so a leak of one derived key (say, the
 * blind-index key used by a read replica) never exposes the others.
 */
export interface KeyRing {
  /** Id of the key new ciphertexts are written with; stored in every ciphertext. */
  readonly currentKeyId: string;
  /** AES-256 keys by id; old ids stay readable after a rotation. */
  readonly encryptionKeys: ReadonlyMap<string, Buffer>;
  /** HMAC-SHA-256 key for blind indexes. Never rotated silently: a new one needs a re-index. */
  readonly blindIndexKey: Buffer;
  /** HMAC key for signed links and one-time-code hashes. */
  readonly signingKey: Buffer;
  /** Seed of the Ed25519 key that signs gateway receipts. */
  readonly receiptSeed: Buffer;
  /** Seed of the Ed25519 key of a version that signs the transparency log's tree heads (rotated by version). */
  logKeySeed(version: number): Buffer;
}

export function parseMasterKey(raw: string): Buffer {
  return /^[0-9a-f]+$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `openiys/${purpose}`, 32));
}

/** Key ids are public (they sit next to ciphertexts): a short hash of the derived key, never the key. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('openiys/key-id').update(key).digest('hex').slice(0, 16);
}

export function createKeyRing(master: Buffer): KeyRing {
  const encryptionKey = derive(master, 'field-encryption/v1');
  const currentKeyId = keyIdOf(encryptionKey);
  return {
    currentKeyId,
    encryptionKeys: new Map([[currentKeyId, encryptionKey]]),
    blindIndexKey: derive(master, 'blind-index/v1'),
    signingKey: derive(master, 'signing/v1'),
    receiptSeed: derive(master, 'receipts/ed25519/v1'),
    logKeySeed: (version) => derive(master, `transparency-log/ed25519/v${version}`),
  };
}

/**
 * The master key from config, or — for the embedded sandbox only — one generated on first start and kept in
 * the data dir with owner-only permissions, so restarts can still read what earlier runs wrote.
 */
export function loadOrCreateMasterKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return parseMasterKey(configured);
  const file = path.join(dataDir, 'master.key');
  if (existsSync(file)) return parseMasterKey(readFileSync(file, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
