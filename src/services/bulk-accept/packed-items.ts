import type { ConsentInput } from '../../domain/consent.js';

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
 * key and a base64 seal they took ~230 bytes an item, which PostgreSQL checked as JSON and stored, and the
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
  // Its own memory, not a slice of Buffer's shared pool: it may be handed to another thread.
  const out = Buffer.from(new ArrayBuffer(size));
  let at = out.writeUInt8(VERSION, 0);
  at = out.writeUInt32LE(items.length, at);
  const word = (text: string) => {
    if (text.length >= ABSENT) throw new Error('a packed word is at most 254 characters');
    at = out.writeUInt8(text.length, at);
    at += out.write(text, at, 'latin1');
  };
  for (const item of items) {
    at = out.writeUInt8(item.recipientKey.length, at);
    at += item.recipientKey.copy(out, at);
    at = out.writeUInt16LE(item.addressEnc.length, at);
    at += item.addressEnc.copy(out, at);
    word(item.recipientKind);
    word(item.recipientType);
    word(item.type);
    word(item.status);
    if (item.source === null) at = out.writeUInt8(ABSENT, at);
    else word(item.source);
    at = out.writeDoubleLE(item.consentDate ?? Number.NaN, at);
    if (item.retailerCode === null) at = out.writeUInt8(0, at);
    else at = out.writeInt32LE(item.retailerCode, out.writeUInt8(1, at));
    at = out.writeUInt16LE(item.retailerAccess.length, at);
    for (const code of item.retailerAccess) at = out.writeInt32LE(code, at);
  }
  if (at !== size) throw new Error(`packed ${at} bytes of ${size}`);
  return out;
}

/** Reads packed items back; a buffer that is not one (cut short, another version) throws. */
export function unpackItems(packed: Uint8Array): StoredItem[] {
  const buffer = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (buffer.length < 5 || buffer.readUInt8(0) !== VERSION) throw new Error('not packed items (version)');
  const count = buffer.readUInt32LE(1);
  let at = 5;
  const bytes = (length: number) => {
    if (at + length > buffer.length) throw new Error('packed items cut short');
    // A copy, not a view: the writer keeps keys in maps and sends them on, and a view would pin the whole.
    const slice = Buffer.from(buffer.subarray(at, at + length));
    at += length;
    return slice;
  };
  const word = () => {
    const length = buffer.readUInt8(at++);
    if (length === ABSENT) return null;
    if (at + length > buffer.length) throw new Error('packed items cut short');
    const text = buffer.toString('latin1', at, at + length);
    at += length;
    return text;
  };
  const items: StoredItem[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const recipientKey = bytes(buffer.readUInt8(at++));
    const sealLength = buffer.readUInt16LE(at);
    at += 2;
    const addressEnc = bytes(sealLength);
    const recipientKind = word() as StoredItem['recipientKind'];
    const recipientType = word() as StoredItem['recipientType'];
    const type = word() as StoredItem['type'];
    const status = word() as StoredItem['status'];
    const source = word() as StoredItem['source'];
    const date = buffer.readDoubleLE(at);
    at += 8;
    const hasRetailer = buffer.readUInt8(at++) === 1;
    const retailerCode = hasRetailer ? buffer.readInt32LE(at) : null;
    if (hasRetailer) at += 4;
    const accessCount = buffer.readUInt16LE(at);
    at += 2;
    const retailerAccess = new Array<number>(accessCount);
    for (let a = 0; a < accessCount; a++, at += 4) retailerAccess[a] = buffer.readInt32LE(at);
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
  if (at !== buffer.length) throw new Error('packed items have bytes left over');
  return items;
}
