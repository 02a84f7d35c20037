import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidMersis, isValidTckn, isValidVkn } from './identifiers.js';

describe('TCKN', () => {
  const cases: [string, boolean, string][] = [
    ['10000000146', true, 'the smallest valid number'],
    ['12345678950', true, 'a commonly used test number'],
    ['11111111110', true, 'repeated digits that still satisfy both checks'],
    ['12345678951', false, 'eleventh digit off by one'],
    ['12345678940', false, 'tenth digit off by one'],
    ['02345678950', false, 'leading zero'],
    ['1234567895', false, 'ten digits'],
    ['123456789500', false, 'twelve digits'],
    ['1234567895a', false, 'a letter'],
    ['', false, 'empty'],
  ];
  for (const [value, valid, why] of cases) {
    test(`${value || '(empty)'} → ${valid} (${why})`, () => assert.equal(isValidTckn(value), valid));
  }
});

describe('VKN', () => {
  const cases: [string, boolean, string][] = [
    ['1234567890', true, 'every shifted digit is 0'],
    ['0010010010', true, 'leading zeros are allowed (computed by hand)'],
    ['9999999999', false, 'check digit wrong'],
    ['1234567891', false, 'check digit off by one'],
    ['123456789', false, 'nine digits'],
    ['12345678901', false, 'eleven digits'],
    ['12345-7890', false, 'a dash'],
  ];
  for (const [value, valid, why] of cases) {
    test(`${value} → ${valid} (${why})`, () => assert.equal(isValidVkn(value), valid));
  }
});

describe('MERSİS', () => {
  test('a leading 0, a valid VKN and a sequence', () => assert.ok(isValidMersis('0123456789000015')));
  test('must match the VKN given', () => {
    assert.ok(isValidMersis('0123456789000015', '1234567890'));
    assert.equal(isValidMersis('0123456789000015', '0010010010'), false);
  });
  test('the embedded VKN must carry a valid check digit', () =>
    assert.equal(isValidMersis('0123456789100015'), false));
  test('16 digits starting with 0', () => {
    assert.equal(isValidMersis('1123456789000015'), false);
    assert.equal(isValidMersis('012345678900001'), false);
    assert.equal(isValidMersis('01234567890000150'), false);
  });
});
