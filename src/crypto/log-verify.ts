/**
 * Verifying the transparency log's receipts and heads with nothing but WebCrypto, so the very same code runs
 * in the browser's verifier page (web/) and in `openiys log verify-receipt` / `log consistency` offline. It
 * trusts nothing in the receipt: the leaf is recomputed from the canonical text, the root from the audit
 * path (RFC 9162 §2.1.3.2), and the head's signature is checked against the published keys.
 *
 * It imports nothing from Node or the server (the browser bundle compiles it too), which is why it does its
 * own async hashing beside merkle.ts's synchronous one.
 */

/** A published signing key (an entry of `GET /log/v1/keys`). */
export interface LogKey {
  kid: string;
  x: string;
}

export interface SignedHead {
  treeSize: number;
  timestamp: number;
  rootHash: string;
  jws: string;
}

export type CheckName = 'shape' | 'leaf' | 'transaction' | 'path' | 'signature';
export interface ReceiptCheck {
  name: CheckName;
  ok: boolean;
  detail: string;
}
export interface ReceiptVerdict {
  ok: boolean;
  checks: ReceiptCheck[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) joined.set(part, (at += part.length) - part.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}
const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(Uint8Array.of(1), left, right);

/** RFC 9162 §2.1.1 leaf hash of the canonical text, hex. */
export const leafHashOf = async (canonical: string): Promise<string> =>
  hex(await sha256(Uint8Array.of(0), encoder.encode(canonical)));

/**
 * RFC 9162 §2.1.3.2's walk from a leaf up to the root, without the hashing: for each hash of an audit path
 * of `pathLength`, whether it goes on the left of the running hash (true) or on its right; undefined when
 * such a path cannot belong to a tree of that size. Shared by this async verifier and merkle.ts's
 * synchronous one, so the index arithmetic exists once.
 */
export function inclusionSides(
  leafIndex: number,
  treeSize: number,
  pathLength: number,
): boolean[] | undefined {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return undefined;
  if (leafIndex < 0 || leafIndex >= treeSize) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  const sides: boolean[] = [];
  for (let step = 0; step < pathLength; step++) {
    if (sn === 0) return undefined;
    const left = fn % 2 === 1 || fn === sn;
    sides.push(left);
    if (left) {
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? sides : undefined;
}

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or undefined when the proof is malformed. */
export async function rootFromInclusion(
  leafHash: string,
  leafIndex: number,
  treeSize: number,
  path: readonly string[],
): Promise<string | undefined> {
  const sides = inclusionSides(leafIndex, treeSize, path.length);
  if (!sides) return undefined;
  let r = fromHex(leafHash);
  for (const [i, step] of path.entries()) {
    r = sides[i] ? await nodeHash(fromHex(step), r) : await nodeHash(r, fromHex(step));
  }
  return hex(r);
}

/** RFC 9162 §2.1.4.2: does the tree at `second` extend the tree at `first`? */
export async function verifyConsistency(
  first: { treeSize: number; rootHash: string },
  second: { treeSize: number; rootHash: string },
  proof: readonly string[],
): Promise<boolean> {
  const [m, n] = [first.treeSize, second.treeSize];
  if (!proof.every((h) => HEX64.test(h))) return false;
  if (m === n) return proof.length === 0 && first.rootHash === second.rootHash;
  if (m <= 0 || m > n || proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [first.rootHash, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = fromHex(path[0]!);
  let sr = fr;
  for (const step of path.slice(1)) {
    const c = fromHex(step);
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hex(fr) === first.rootHash && hex(sr) === second.rootHash;
}

/**
 * Checks a signed tree head: its JWS is EdDSA by a published key and signs exactly {treeSize, timestamp,
 * rootHash} as stated beside it. Returns why not, or undefined when it holds.
 */
export async function signedHeadProblem(
  head: SignedHead,
  keys: readonly LogKey[],
): Promise<string | undefined> {
  const parts = typeof head.jws === 'string' ? head.jws.split('.') : [];
  if (parts.length !== 3) return 'the head carries no compact JWS';
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let payload: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(fromBase64url(headerPart)));
    payload = JSON.parse(new TextDecoder().decode(fromBase64url(payloadPart)));
  } catch {
    return 'the JWS is malformed';
  }
  if (header.alg !== 'EdDSA') return `unexpected algorithm ${String(header.alg)}`;
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) return `the key ${String(header.kid)} is not among the published keys`;
  let valid: boolean;
  try {
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: key.x },
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    valid = await crypto.subtle.verify(
      { name: 'Ed25519' },
      publicKey,
      fromBase64url(signaturePart),
      encoder.encode(`${headerPart}.${payloadPart}`),
    );
  } catch (error) {
    return `the signature could not be checked (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!valid) return 'the signature does not verify';
  const stated = JSON.stringify({
    treeSize: head.treeSize,
    timestamp: head.timestamp,
    rootHash: head.rootHash,
  });
  if (JSON.stringify(payload) !== stated) return 'the signed payload differs from the head beside it';
  return undefined;
}

/** Whether a value has a signed tree head's shape (as `GET /log/v1/sth` answers). */
export function isSignedHead(value: unknown): value is SignedHead {
  const head = value as Partial<SignedHead> | null;
  return (
    typeof head === 'object' &&
    head !== null &&
    Number.isSafeInteger(head.treeSize) &&
    Number.isSafeInteger(head.timestamp) &&
    typeof head.rootHash === 'string' &&
    typeof head.jws === 'string'
  );
}

/**
 * Whether the registry's current head extends one seen earlier (a receipt's, or a witness's saved head):
 * the current head is fetched through `get` (a path of the log's API → its JSON) and its signature checked
 * against `keys`, then the RFC 9162 consistency proof between the two. Answers the current head whenever
 * its signature holds, and the problem when anything fails.
 */
export async function currentHeadExtending(
  earlier: SignedHead,
  keys: readonly LogKey[],
  get: (path: string) => Promise<unknown>,
): Promise<{ ok: true; current: SignedHead } | { ok: false; current?: SignedHead; problem: string }> {
  const current = await get('/log/v1/sth');
  if (!isSignedHead(current)) return { ok: false, problem: 'the registry answered no signed tree head' };
  const signature = await signedHeadProblem(current, keys);
  if (signature)
    return { ok: false, problem: `the current head of ${current.treeSize} leaves: ${signature}` };
  if (current.treeSize < earlier.treeSize)
    return { ok: false, current, problem: 'the log shrank: the current head is smaller than the saved one' };
  const proof =
    current.treeSize === earlier.treeSize
      ? []
      : (
          (await get(`/log/v1/proof/consistency?first=${earlier.treeSize}&second=${current.treeSize}`)) as {
            consistency?: unknown;
          }
        ).consistency;
  if (!(await verifyConsistency(earlier, current, Array.isArray(proof) ? proof : [])))
    return {
      ok: false,
      current,
      problem: 'the current head does NOT extend the saved one: the log was rewritten',
    };
  return { ok: true, current };
}

/** A receipt as the registry hands it out (transparency-log.service.ts builds it). */
export interface LogReceipt {
  transactionId: string;
  canonical: string;
  leafHash: string;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  sth: SignedHead;
}

function shapeProblem(value: unknown): string | undefined {
  const r = value as Partial<LogReceipt> | null;
  if (typeof r !== 'object' || r === null) return 'not a JSON object';
  if (typeof r.transactionId !== 'string') return 'transactionId is missing';
  if (typeof r.canonical !== 'string') return 'canonical is missing';
  if (typeof r.leafHash !== 'string' || !HEX64.test(r.leafHash)) return 'leafHash is not 64 hex characters';
  if (!Number.isSafeInteger(r.leafIndex) || !Number.isSafeInteger(r.treeSize)) return 'leafIndex or treeSize';
  if (!Array.isArray(r.auditPath) || !r.auditPath.every((h) => typeof h === 'string' && HEX64.test(h)))
    return 'auditPath is not a list of 64-hex hashes';
  const sth = r.sth as Partial<SignedHead> | undefined;
  if (
    typeof sth !== 'object' ||
    sth === null ||
    typeof sth.rootHash !== 'string' ||
    typeof sth.jws !== 'string'
  )
    return 'sth is missing or incomplete';
  return undefined;
}

/**
 * Verifies a receipt (`GET …/consents/receipt/{transactionId}`, or a citizen's download holding it under
 * `receipt`) against the published keys. Every check is reported, so a person sees which one failed.
 */
export async function verifyLogReceipt(value: unknown, keys: readonly LogKey[]): Promise<ReceiptVerdict> {
  const candidate =
    typeof value === 'object' && value !== null && 'receipt' in value
      ? (value as { receipt: unknown }).receipt
      : value;
  const shape = shapeProblem(candidate);
  if (shape) return { ok: false, checks: [{ name: 'shape', ok: false, detail: shape }] };
  const r = candidate as LogReceipt;
  const checks: ReceiptCheck[] = [{ name: 'shape', ok: true, detail: 'a receipt' }];

  const computed = await leafHashOf(r.canonical);
  checks.push({
    name: 'leaf',
    ok: computed === r.leafHash,
    detail: computed === r.leafHash ? `leaf ${r.leafHash}` : `the canonical text hashes to ${computed}`,
  });

  let named: unknown;
  try {
    named = (JSON.parse(r.canonical) as unknown[])[1];
  } catch {
    named = undefined;
  }
  checks.push({
    name: 'transaction',
    ok: named === r.transactionId,
    detail: named === r.transactionId ? r.transactionId : 'the canonical text names another transaction',
  });

  const root = await rootFromInclusion(r.leafHash, r.leafIndex, r.treeSize, r.auditPath);
  const pathOk = root !== undefined && root === r.sth.rootHash && r.sth.treeSize === r.treeSize;
  checks.push({
    name: 'path',
    ok: pathOk,
    detail: pathOk
      ? `leaf ${r.leafIndex} of ${r.treeSize} leads to the root ${root}`
      : `the audit path does not lead to the head's root of ${r.sth.treeSize} leaves`,
  });

  const signature = await signedHeadProblem(r.sth, keys);
  checks.push({
    name: 'signature',
    ok: signature === undefined,
    detail: signature ?? `signed at ${new Date(r.sth.timestamp).toISOString()}`,
  });
  return { ok: checks.every((c) => c.ok), checks };
}
