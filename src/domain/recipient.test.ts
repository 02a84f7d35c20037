import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTypeMatchesRecipient, parseRecipient } from './recipient.js';

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
