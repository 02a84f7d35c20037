import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  fromJsonStoredItem,
  packItems,
  toJsonStoredItem,
  unpackItems,
  type StoredItem,
} from './packed-items.js';

const item = (over: Partial<StoredItem> = {}): StoredItem => ({
  recipientKey: randomBytes(32),
  addressEnc: randomBytes(41),
  recipientKind: 'phone',
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_WEB',
  consentDate: Date.UTC(2026, 11, 1, 9, 30),
  retailerCode: null,
  retailerAccess: [],
  ...over,
});

const variety: StoredItem[] = [
  item(),
  item({ recipientKind: 'email', type: 'EPOSTA', addressEnc: randomBytes(300), status: 'RET' }),
  item({ recipientType: 'TACIR', source: null, consentDate: null }),
  item({ retailerCode: 2 ** 31 - 1, retailerAccess: [1, 7, 2 ** 31 - 1] }),
  item({ retailerAccess: Array.from({ length: 3000 }, (_, i) => i + 1), source: 'IYS_KISAMESAJ' }),
  item({ addressEnc: Buffer.alloc(0), consentDate: -1_000 }),
];

test('packed items read back as they were, in order', () => {
  assert.deepEqual(unpackItems(packItems(variety)), variety);
  assert.deepEqual(unpackItems(packItems([])), []);
});

test('packed items read the same from a view into a larger buffer, their keys views into it', () => {
  const packed = packItems(variety);
  const larger = Buffer.concat([Buffer.from('prefix'), packed]);
  const read = unpackItems(larger.subarray(6));
  assert.deepEqual(read, variety);
  assert.equal(read[0]!.recipientKey.buffer, larger.buffer, 'no copy of each key and seal');
  // Each item's words are strings of their own values, whether read anew or reused from the item before.
  assert.deepEqual(
    read.map((item) => [item.recipientKind, item.type, item.status, item.source]),
    variety.map((item) => [item.recipientKind, item.type, item.status, item.source]),
  );
});

test('an item as requests accepted before packing keep it (JSON) reads as the same item, both ways', () => {
  for (const original of variety) {
    const json = JSON.parse(JSON.stringify(toJsonStoredItem(original)));
    assert.deepEqual(fromJsonStoredItem(json), original);
  }
});

test('a phone item packs in about half the bytes of its JSON', () => {
  const phone = item();
  const packed = packItems([phone]).length - 5;
  const json = JSON.stringify({
    k: phone.recipientKey.toString('hex'),
    e: phone.addressEnc.toString('base64'),
    kind: 'phone',
    rt: 'BIREYSEL',
    t: 'MESAJ',
    s: 'ONAY',
    src: 'HS_WEB',
    cd: phone.consentDate,
    rc: null,
    ra: [],
  }).length;
  assert.ok(packed * 1.8 < json, `${packed} bytes packed against ${json} as JSON`);
});

test('a buffer that is not packed items throws rather than reading garbage', () => {
  const packed = Buffer.from(packItems(variety));
  assert.throws(() => unpackItems(packed.subarray(0, packed.length - 1)));
  assert.throws(() => unpackItems(packed.subarray(0, 40)));
  assert.throws(() => unpackItems(Buffer.concat([packed, Buffer.from([0])])), /left over/);
  assert.throws(() => unpackItems(Buffer.concat([Buffer.from([2]), packed.subarray(1)])), /version/);
  assert.throws(() => unpackItems(Buffer.alloc(0)), /version/);
});

test('a word longer than a packed word can hold is refused when packing', () => {
  assert.throws(() => packItems([item({ source: 'X'.repeat(255) as StoredItem['source'] })]), /254/);
});
