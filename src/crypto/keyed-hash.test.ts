import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { createKeyedHash } from './keyed-hash.js';

const hmac = (key: Buffer, message: string) => createHmac('sha256', key).update(message, 'utf8').digest();

/** Text of `length` code units drawn from ASCII, Turkish letters, other planes and lone surrogates. */
function randomText(length: number): string {
  const pieces = ['a', '+', '9', 'ç', 'ğ', 'İ', 'ı', '€', '😀', '\ud800', '\udfff', '\u0000'];
  let text = '';
  while (text.length < length) text += pieces[randomInt(pieces.length)];
  return text.slice(0, length);
}

test('the keyed hash is createHmac SHA-256, bit for bit, for addresses and for any text', () => {
  const key = randomBytes(32);
  const keyed = createKeyedHash(key);
  const samples = [
    '',
    '+905321234567',
    'ali@example.com',
    'çağrı@örnek.com.tr',
    ...Array.from({ length: 100_000 }, (_, i) => `+90${500 + (i % 60)}${String(i * 7919).padStart(7, '0')}`),
    ...Array.from({ length: 2_000 }, () => randomText(randomInt(1, 400))),
    // Around the scratch block's room (1024 bytes: 341 code units always fit) and far past it.
    ...[340, 341, 342, 512, 1024, 1025, 5000].map((length) => randomText(length)),
    'x'.repeat(100_000),
  ];
  for (const message of samples) {
    const expected = hmac(key, message);
    assert.deepEqual(keyed.bytes(message), expected, `bytes of ${JSON.stringify(message.slice(0, 40))}`);
    assert.equal(keyed.latin1(message), expected.toString('latin1'));
  }
});

test('keys of any length give createHmac output (longer than a block: hashed first)', () => {
  for (const length of [1, 16, 32, 63, 64, 65, 100, 200]) {
    const key = randomBytes(length);
    const keyed = createKeyedHash(key);
    for (const message of ['+905321234567', randomText(50), randomText(2000)])
      assert.deepEqual(keyed.bytes(message), hmac(key, message), `key of ${length} bytes`);
  }
});

test('each result is its own: a later call does not change an earlier Buffer', () => {
  const keyed = createKeyedHash(randomBytes(32));
  const first = keyed.bytes('+905321234567');
  const copy = Buffer.from(first);
  keyed.bytes('+905329999999');
  keyed.latin1('ali@example.com');
  assert.deepEqual(first, copy);
});
