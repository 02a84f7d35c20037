import type { ConsentInput } from '../domain/consent.js';

/** How an accepted item is kept until it is applied: sealed address, never plaintext. */
export interface StoredItem {
  recipientKey: Buffer;
  addressEnc: Buffer;
  recipientKind: ConsentInput['recipientKind'];
  recipientType: ConsentInput['recipientType'];
  type: ConsentInput['type'];
  status: ConsentInput['status'];
  source: ConsentInput['source'];
  /** Milliseconds since the epoch. */
  consentDate: number | null;
  retailerCode: number | null;
  retailerAccess: number[];
}

/**
 * A request's items as one buffer, an item after another (`bulk_requests.items_packed`). As JSON with a hex
 * key and a base64 seal they took ~240 bytes an item, which PostgreSQL checked as JSON and stored, and the
 * writer parsed back and decoded: 5.9–7.4 µs of PostgreSQL's CPU an item to store, against 3.5–3.9 for a
 * buffer of this size (docs/scaling.md). Words are stored as text, not as numbers for them, so an item
 * packed before an upgrade reads the same after it whatever lists change.
 *
 *   version u8 = 1, count u32, then per item:
 *   key u8 length + bytes · seal u16 length + bytes · kind, recipientType, type, status: u8 length + latin1
 *   source: u8 length + latin1, 255 when absent · consentDate f64 ms, NaN when absent
 *   retailerCode: u8 1 + i32, or u8 0 · retailerAccess: u16 count + i32 each
 */
const VERSION = 1;
const ABSENT = 255;

const wordBytes = (word: string) => 1 + word.length;

function packedSize(item: StoredItem): number {
  return (
    1 +
    item.recipientKey.length +
    2 +
    item.addressEnc.length +
    wordBytes(item.recipientKind) +
    wordBytes(item.recipientType) +
    wordBytes(item.type) +
    wordBytes(item.status) +
    (item.source === null ? 1 : wordBytes(item.source)) +
    8 +
    (item.retailerCode === null ? 1 : 5) +
    2 +
    4 * item.retailerAccess.length
  );
}

/** Packs items whose words are ASCII (the API's own enumerations; parseConsentInput allows no other). */
export function packItems(items: readonly StoredItem[]): Uint8Array {
  let size = 5;
  for (const item of items) size += packedSize(item);
  // Its own memory, not a slice of Buffer's shared pool: it may be handed to another thread. Written by
  // index and DataView, which the optimiser inlines, not by Buffer's methods (a native call per word).
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  view.setUint32(1, items.length, true);
  let at = 5;
  const word = (text: string) => {
    if (text.length >= ABSENT) throw new Error('a packed word is at most 254 characters');
    out[at++] = text.length;
    for (let c = 0; c < text.length; c++) out[at++] = text.charCodeAt(c);
  };
  for (const item of items) {
    out[at++] = item.recipientKey.length;
    out.set(item.recipientKey, at);
    at += item.recipientKey.length;
    view.setUint16(at, item.addressEnc.length, true);
    out.set(item.addressEnc, at + 2);
    at += 2 + item.addressEnc.length;
    word(item.recipientKind);
    word(item.recipientType);
    word(item.type);
    word(item.status);
    if (item.source === null) out[at++] = ABSENT;
    else word(item.source);
    view.setFloat64(at, item.consentDate ?? Number.NaN, true);
    at += 8;
    if (item.retailerCode === null) out[at++] = 0;
    else {
      out[at] = 1;
      view.setInt32(at + 1, item.retailerCode, true);
      at += 5;
    }
    view.setUint16(at, item.retailerAccess.length, true);
    at += 2;
    for (const code of item.retailerAccess) {
      view.setInt32(at, code, true);
      at += 4;
    }
  }
  if (at !== size) throw new Error(`packed ${at} bytes of ${size}`);
  return out;
}

/**
 * Reads packed items back; a buffer that is not one (cut short, another version) throws. Keys and seals are
 * views into `packed`, not copies: the caller owns it (pg gives each row a buffer of its own), and a
 * request's items are applied together. A word is most often the one the item before had in its place, and
 * is then that same string, not a new one.
 */
export function unpackItems(packed: Uint8Array): StoredItem[] {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 5 || bytes[0] !== VERSION) throw new Error('not packed items (version)');
  const count = view.getUint32(1, true);
  let at = 5;
  /** Checks that `length` more bytes are there (DataView checks its own reads). */
  const need = (length: number) => {
    if (at + length > bytes.length) throw new Error('packed items cut short');
  };
  const slice = (length: number) => {
    need(length);
    at += length;
    return bytes.subarray(at - length, at);
  };
  // The last word read in each of an item's five places, and where its bytes are.
  const lastText: Array<string | null> = [null, null, null, null, null];
  const lastAt = [0, 0, 0, 0, 0];
  const word = (place: number) => {
    need(1);
    const length = bytes[at++]!;
    if (length === ABSENT) return null;
    need(length);
    const before = lastText[place];
    if (
      before?.length === length &&
      bytes.compare(bytes, lastAt[place]!, lastAt[place]! + length, at, at + length) === 0
    ) {
      at += length;
      return before;
    }
    const text = bytes.toString('latin1', at, at + length);
    lastText[place] = text;
    lastAt[place] = at;
    at += length;
    return text;
  };
  const items: StoredItem[] = new Array(count);
  for (let i = 0; i < count; i++) {
    need(1);
    const recipientKey = slice(bytes[at++]!);
    const sealLength = view.getUint16(at, true);
    at += 2;
    const addressEnc = slice(sealLength);
    const recipientKind = word(0) as StoredItem['recipientKind'];
    const recipientType = word(1) as StoredItem['recipientType'];
    const type = word(2) as StoredItem['type'];
    const status = word(3) as StoredItem['status'];
    const source = word(4) as StoredItem['source'];
    const date = view.getFloat64(at, true);
    at += 8;
    need(1);
    const hasRetailer = bytes[at++] === 1;
    const retailerCode = hasRetailer ? view.getInt32(at, true) : null;
    if (hasRetailer) at += 4;
    const accessCount = view.getUint16(at, true);
    at += 2;
    const retailerAccess = new Array<number>(accessCount);
    for (let a = 0; a < accessCount; a++, at += 4) retailerAccess[a] = view.getInt32(at, true);
    items[i] = {
      recipientKey,
      addressEnc,
      recipientKind,
      recipientType,
      type,
      status,
      source,
      consentDate: Number.isNaN(date) ? null : date,
      retailerCode,
      retailerAccess,
    };
  }
  if (at !== bytes.length) throw new Error('packed items have bytes left over');
  return items;
}

/** An item as requests accepted before migration 0049 keep it: JSON, the key in hex, the seal in base64. */
export interface JsonStoredItem {
  k: string;
  e: string;
  kind: StoredItem['recipientKind'];
  rt: StoredItem['recipientType'];
  t: StoredItem['type'];
  s: StoredItem['status'];
  src: StoredItem['source'];
  cd: number | null;
  rc: number | null;
  ra: number[];
}

export const fromJsonStoredItem = (item: JsonStoredItem): StoredItem => ({
  recipientKey: Buffer.from(item.k, 'hex'),
  addressEnc: Buffer.from(item.e, 'base64'),
  recipientKind: item.kind,
  recipientType: item.rt,
  type: item.t,
  status: item.s,
  source: item.src,
  consentDate: item.cd,
  retailerCode: item.rc,
  retailerAccess: item.ra,
});

/** The JSON form again: for a migration back to a version that reads only it. */
export const toJsonStoredItem = (item: StoredItem): JsonStoredItem => ({
  k: item.recipientKey.toString('hex'),
  e: item.addressEnc.toString('base64'),
  kind: item.recipientKind,
  rt: item.recipientType,
  t: item.type,
  s: item.status,
  src: item.source,
  cd: item.consentDate,
  rc: item.retailerCode,
  ra: item.retailerAccess,
});
