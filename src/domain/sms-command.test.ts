import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseBrandName, parseSmsCommand } from './sms-command.js';

test('SMS keywords', () => {
  assert.deepEqual(parseSmsCommand('RET 700010'), { kind: 'reject-brand-code', brandCode: 700010 });
  assert.deepEqual(parseSmsCommand('  ret   700010 '), { kind: 'reject-brand-code', brandCode: 700010 });
  assert.deepEqual(parseSmsCommand('Ret Demo  Marka'), {
    kind: 'reject-brand-name',
    brandName: 'Demo Marka',
  });
  assert.deepEqual(parseSmsCommand('RET'), { kind: 'list' });
  assert.deepEqual(parseSmsCommand('ret'), { kind: 'list' });
  for (const text of ['', 'HELP', 'iptal', 'RETT 1', 'merhaba RET'])
    assert.deepEqual(parseSmsCommand(text), { kind: 'help' }, text);
  assert.deepEqual(parseSmsCommand('RET 99999999999'), {
    kind: 'reject-brand-name',
    brandName: '99999999999',
  });
});

test('brand names fold Turkish letters the Turkish way', () => {
  assert.equal(normaliseBrandName('DEMO MARKA İKİ'), normaliseBrandName('Demo Marka İki'));
  assert.equal(normaliseBrandName('IŞIK'), 'ışık');
  assert.equal(normaliseBrandName('  a   b '), 'a b');
});
