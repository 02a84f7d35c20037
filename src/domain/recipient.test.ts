import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkTypeMatchesRecipient,
  normaliseTypedPhone,
  parseRecipient,
  TURKISH_MOBILE,
} from './recipient.js';

test('valid phones normalise to E.164 and e-mail addresses to lower case', () => {
  assert.deepEqual(parseRecipient('+905321234567'), { ok: true, address: '+905321234567', kind: 'phone' });
  assert.deepEqual(parseRecipient('+4915123456789'), { ok: true, address: '+4915123456789', kind: 'phone' });
  assert.deepEqual(parseRecipient('Ali.Veli+news@Example.COM'), {
    ok: true,
    address: 'ali.veli+news@example.com',
    kind: 'email',
  });
});

const rejected: Array<[unknown, string]> = [
  [undefined, 'H114'],
  ['', 'H114'],
  [null, 'H114'],
  [905321234567, 'H122'],
  [['+905321234567'], 'H122'],
  ['ali', 'H122'],
  ['905321234567', 'H121'], // no leading +
  ['+90 532 123 45 67', 'H121'],
  ['+900000000000', 'H121'], // not a number in the Turkish plan
  ['+9053212345678901', 'H166'],
  ['ali@örnek.com', 'H120'], // Turkish letters are refused
  ['ali veli@example.com', 'H120'],
  ['a@b.c', 'H120'],
  ['ali@@example.com', 'H120'],
  ['ali..veli@example.com', 'H120'],
  ["ali'veli@example.com", 'H120'],
  [`${'a'.repeat(260)}@example.com`, 'H120'],
];

for (const [value, code] of rejected) {
  test(`recipient ${JSON.stringify(value)} is rejected with ${code}`, () => {
    const result = parseRecipient(value);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.code, code);
      assert.deepEqual(result.error.location, ['recipient']);
    }
  });
}

test('channels must fit the address kind', () => {
  assert.equal(checkTypeMatchesRecipient('MESAJ', 'phone', '+905321234567'), null);
  assert.equal(checkTypeMatchesRecipient('ARAMA', 'phone', '+905321234567'), null);
  assert.equal(checkTypeMatchesRecipient('EPOSTA', 'email', 'a@example.com'), null);
  assert.equal(checkTypeMatchesRecipient('EPOSTA', 'phone', '+905321234567')?.code, 'H459');
  assert.equal(checkTypeMatchesRecipient('MESAJ', 'email', 'a@example.com')?.code, 'H464');
  assert.equal(checkTypeMatchesRecipient('ARAMA', 'email', 'a@example.com')?.code, 'H903');
});

test('phones as people in Türkiye type them become E.164; anything else is left as it is', () => {
  for (const typed of [
    '05321234567',
    '0532 123 45 67',
    '(0532) 123-45-67',
    '+90 532 123 45 67',
    '0090 532 123 45 67',
    '905321234567',
    '5321234567',
    ' 0532.123.45.67 ',
  ])
    assert.equal(normaliseTypedPhone(typed), '+905321234567', typed);
  assert.equal(normaliseTypedPhone('02121234567'), '+902121234567');
  assert.equal(normaliseTypedPhone('4915112345678'), '+4915112345678');
  for (const other of ['ali@example.com', 'abc', '123', '', 42, null])
    assert.equal(normaliseTypedPhone(other), other);
  // The provider API stays strict: parseRecipient alone refuses the national form.
  const strict = parseRecipient('05321234567');
  assert.equal(strict.ok, false);
});

test('the Turkish mobile fast path answers exactly as libphonenumber on 200,000 numbers', () => {
  let seed = 20261204;
  // A seeded LCG: its high bits are the random ones, so they pick the digit.
  const random = (n: number) => (
    (seed = (seed * 1103515245 + 12345) % 2 ** 31),
    Math.floor((seed / 2 ** 31) * n)
  );
  let fast = 0;
  for (let i = 0; i < 200_000; i++) {
    // Mostly 5xx numbers of the right length, some of every other leading digit and of wrong lengths.
    const length = random(10) === 0 ? 9 + random(3) : 10;
    const first = random(4) === 0 ? 1 + random(9) : 5;
    let national = String(first);
    while (national.length < length) national += String(random(10));
    const value = `+90${national}`;
    const reference = parsePhoneNumberFromString(value);
    const expected = reference?.isValid() ? reference.number : undefined;
    const parsed = parseRecipient(value);
    assert.equal(parsed.ok ? parsed.address : undefined, expected, value);
    if (TURKISH_MOBILE.test(value)) fast++;
  }
  assert.ok(fast > 50_000, `the fast path took ${fast} of the numbers`);
});
