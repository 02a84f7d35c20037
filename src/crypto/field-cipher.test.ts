import assert from 'node:assert/strict';
import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { FieldCipher } from './field-cipher.js';
import { createKeyRing } from './keys.js';

const cipher = new FieldCipher(createKeyRing(randomBytes(32)));

test('sealed addresses open again, and never contain the plaintext', () => {
  const { recipientKey, addressEnc } = cipher.sealAddress('+905321234567');
  assert.equal(cipher.openAddress(recipientKey, addressEnc), '+905321234567');
  assert.equal(addressEnc.includes(Buffer.from('+905321234567')), false);
  assert.equal(addressEnc.includes(Buffer.from('5321234567')), false);
});

test('encryption is randomised, the blind index is deterministic and keyed', () => {
  const a = cipher.sealAddress('ali@example.com');
  const b = cipher.sealAddress('ali@example.com');
  assert.notDeepEqual(a.addressEnc, b.addressEnc);
  assert.deepEqual(a.recipientKey, b.recipientKey);
  const other = new FieldCipher(createKeyRing(randomBytes(32)));
  assert.notDeepEqual(other.blindIndex('ali@example.com'), a.recipientKey);
});

test('a ciphertext moved to another row, tampered with, or read with another key fails', () => {
  const a = cipher.sealAddress('+905321234567');
  const b = cipher.sealAddress('+905329876543');
  assert.throws(() => cipher.openAddress(b.recipientKey, a.addressEnc));
  const tampered = Buffer.from(a.addressEnc);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => cipher.openAddress(a.recipientKey, tampered));
  const other = new FieldCipher(createKeyRing(randomBytes(32)));
  assert.throws(() => other.openAddress(a.recipientKey, a.addressEnc), /Unknown encryption key id/);
});

test('the blind index is HMAC-SHA256 of the address under the blind-index key, in both forms', () => {
  // Stored keys must never change with an optimisation: a changed blind index would orphan every record.
  const ring = createKeyRing(randomBytes(32));
  const own = new FieldCipher(ring);
  for (const address of ['+905321234567', 'ali@example.com', 'çağrı@örnek.com.tr']) {
    const expected = createHmac('sha256', ring.blindIndexKey).update(address, 'utf8').digest();
    assert.deepEqual(own.blindIndex(address), expected);
    assert.equal(own.blindIndexId(address), expected.toString('latin1'));
  }
});

test('a seal is version ‖ key id ‖ nonce ‖ tag ‖ ciphertext, which a bare AES-256-GCM decipher opens', () => {
  // Stored ciphertexts must stay readable across optimisations of encrypt: the layout is the contract.
  const ring = createKeyRing(randomBytes(32));
  const own = new FieldCipher(ring);
  const key = ring.encryptionKeys.get(ring.currentKeyId)!;
  const aad = randomBytes(32);
  for (const plaintext of [
    '',
    '+905321234567',
    'çağrı@örnek.com.tr',
    randomBytes(1 << 20),
    Buffer.alloc(0),
  ]) {
    const sealed = own.encrypt(plaintext, aad);
    assert.equal(sealed[0], 1);
    assert.equal(sealed.subarray(1, 9).toString('hex'), ring.currentKeyId);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(9, 21));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(21, 37));
    const opened = Buffer.concat([decipher.update(sealed.subarray(37)), decipher.final()]);
    assert.deepEqual(opened, Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'));
    assert.equal(sealed.length, 37 + opened.length);
  }
});
