import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hash,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { leafHash, rootFromAuditPath } from './merkle.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Signs gateway receipts as compact JWS (RFC 7515, alg EdDSA): a sender can later prove it checked, and the
 * registry can prove what it answered. The Ed25519 key is derived from the master key, so every server of
 * the registry signs with the same key and publishes the same JWKS.
 */
export class ReceiptSigner {
  private readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;

  constructor(seed: Buffer) {
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const x = createPublicKey(this.privateKey).export({ format: 'jwk' }).x!;
    const kid = createHash('sha256').update(x).digest('base64url').slice(0, 16);
    this.publicJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
  }

  sign(payload: Record<string, unknown>): string {
    const signingInput = `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: this.publicJwk.kid }))}.${b64url(JSON.stringify(payload))}`;
    return `${signingInput}.${b64url(sign(null, Buffer.from(signingInput), this.privateKey))}`;
  }
}

export type ReceiptVerification =
  | { ok: true; payload: Record<string, unknown>; kid: string; batch?: { size: number; root: string } }
  | { ok: false; reason: string };

/**
 * Verifies a receipt against published keys (a JWKS's `keys`): a compact JWS over one answer's claims, or a
 * batch receipt (`<JWS over the batch head>~<claims>~<audit path>`, see receipt-batcher.ts) whose claims
 * must hash, through the path, to the signed root.
 */
export function verifyReceipt(receipt: string, keys: PublicJwk[]): ReceiptVerification {
  const parts = receipt.split('~');
  if (parts.length === 1) return verifyJws(receipt, keys);
  if (parts.length !== 3) return { ok: false, reason: 'not a receipt (expected JWS~claims~proof)' };
  const [jws, claimsPart, proofPart] = parts as [string, string, string];
  const head = verifyJws(jws, keys);
  if (!head.ok) return head;
  const { size, root } = head.payload as { size?: unknown; root?: unknown };
  if (head.payload.kind !== 'answers' || typeof size !== 'number' || typeof root !== 'string')
    return { ok: false, reason: 'the signed part is not a batch head' };
  const claimsBytes = Buffer.from(claimsPart, 'base64url');
  let payload: Record<string, unknown>;
  let proof: { i?: unknown; path?: unknown };
  try {
    payload = JSON.parse(claimsBytes.toString('utf8'));
    proof = JSON.parse(Buffer.from(proofPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed claims or proof' };
  }
  const path = proof.path;
  if (
    typeof proof.i !== 'number' ||
    !Array.isArray(path) ||
    !path.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
  )
    return { ok: false, reason: 'malformed proof' };
  const proved = rootFromAuditPath(
    leafHash(claimsBytes),
    proof.i,
    size,
    (path as string[]).map((h) => Buffer.from(h, 'hex')),
  );
  if (!proved || proved.toString('hex') !== root)
    return { ok: false, reason: 'the claims are not in the signed batch' };
  return { ok: true, payload, kid: head.kid, batch: { size, root } };
}

function verifyJws(
  receipt: string,
  keys: PublicJwk[],
): { ok: true; payload: Record<string, unknown>; kid: string } | { ok: false; reason: string } {
  const parts = receipt.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: string; kid?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed header or payload' };
  }
  if (header.alg !== 'EdDSA') return { ok: false, reason: `unexpected alg ${header.alg}` };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) return { ok: false, reason: `unknown key id ${header.kid}` };
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  const valid = verify(
    null,
    Buffer.from(`${headerPart}.${payloadPart}`),
    key,
    Buffer.from(signaturePart, 'base64url'),
  );
  return valid ? { ok: true, payload, kid: jwk.kid } : { ok: false, reason: 'bad signature' };
}

/** SHA-256 of a value's JSON, hex: what receipts commit to for the request and the results. */
export function hashJson(value: unknown): string {
  return hashText(JSON.stringify(value));
}

/** SHA-256 of JSON text already serialised (the bytes sent), hex. */
export function hashText(json: string): string {
  return hash('sha256', json, 'hex');
}
