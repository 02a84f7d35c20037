import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { hashSecret, sameSecret } from './secret-hash.js';

test('a secret hashes to the SHA-256 of its UTF-8, as the stored token hashes already are', () => {
  // FIPS 180-2's test vector: stored hashes must never change with the way they are computed.
  assert.equal(
    hashSecret('abc').toString('hex'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  for (const secret of ['', 'iys_0f3a…', 'çağrı-İğdır-😀', 'x'.repeat(10_000)])
    assert.deepEqual(hashSecret(secret), createHash('sha256').update(secret, 'utf8').digest());
  assert.equal(sameSecret('abc', 'abc'), true);
  assert.equal(sameSecret('abc', 'abd'), false);
  assert.equal(sameSecret(undefined, 'abc'), false);
});
