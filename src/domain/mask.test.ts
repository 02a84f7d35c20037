import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskAddress } from './mask.js';

test('a complainant’s address is masked to what lets a company find its record', () => {
  assert.equal(maskAddress('+905321234567'), '+90 532 *** ** 67');
  assert.equal(maskAddress('ayse.yilmaz@example.com'), 'a***@example.com');
  assert.equal(maskAddress('+4915112345678'), '+49*********78');
  for (const address of ['+905321234567', 'ayse.yilmaz@example.com', '+4915112345678'])
    assert.ok(!maskAddress(address).includes(address.slice(3, 9)), 'the middle never shows');
});
