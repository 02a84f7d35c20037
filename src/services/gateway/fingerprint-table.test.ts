import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { FingerprintTable } from './fingerprint-table.js';

test('the fingerprint table answers as a Map would, through growth, overwrites and probe chains', () => {
  const table = new FingerprintTable();
  const reference = new Map<string, number>();
  const keys = Array.from({ length: 50_000 }, () => randomBytes(32));
  // Keys that all want the same slot: equal first word, different in the rest (long probe chains).
  for (let i = 0; i < 200; i++) {
    const key = randomBytes(32);
    key.writeInt32LE(0x1234, 0);
    keys.push(key);
  }
  keys.forEach((key, i) => {
    table.setByKey(key, i * 2 + (i % 2));
    reference.set(key.toString('latin1'), i * 2 + (i % 2));
  });
  for (let i = 0; i < keys.length; i += 3) {
    table.setByKey(keys[i]!, 7);
    reference.set(keys[i]!.toString('latin1'), 7);
  }
  assert.equal(table.size, reference.size);
  for (const key of keys) {
    const expected = reference.get(key.toString('latin1'));
    assert.equal(table.getByKey(key), expected);
    assert.equal(table.get(key.toString('latin1')), expected, 'the latin1 form reads the same entry');
  }
  for (let i = 0; i < 10_000; i++) {
    const absent = randomBytes(32);
    assert.equal(table.getByKey(absent), undefined);
    assert.equal(table.get(absent.toString('latin1')), undefined);
  }
  const crowded = randomBytes(32);
  crowded.writeInt32LE(0x1234, 0);
  assert.equal(table.getByKey(crowded), undefined, 'a miss at the end of a probe chain');
  assert.throws(() => table.setByKey(randomBytes(32), -1), RangeError);
});
