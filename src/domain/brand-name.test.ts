import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandNameKey, checkBrandName } from './brand-name.js';

test('names that could carry a link, a phone number or hidden characters are refused', () => {
  const refused: Array<[string, string]> = [
    ['Kampanya https://evil.example', 'link'],
    ['www.indirim', 'link'],
    ['Fırsat bit.ly/x', 'link'],
    ['ucuz-kredi.com', 'link'],
    ['Banka . com.tr', 'link'],
    ['yardim@banka', 'link'],
    ['Ara 0532 123 45 67', 'phone'],
    ['+90(532)1234567', 'phone'],
    ['Marka\u202Eevil', 'invisible'],
    ['Marka\u0000', 'invisible'],
    ['Zero\u200Bwidth', 'invisible'],
    ['x', 'length'],
    ['a'.repeat(256), 'length'],
  ];
  for (const [name, problem] of refused) assert.deepEqual(checkBrandName(name), { problem }, name);
});

test('ordinary names pass, tidied', () => {
  for (const name of [
    'Demo Hizmet Sağlayıcı A.Ş.',
    'Ltd.Şti. Mağazası',
    '7/24 Market',
    'Migros 2025',
    'Çiçek Sepeti',
  ]) {
    assert.deepEqual(checkBrandName(name), { name }, name);
  }
  assert.deepEqual(checkBrandName('  Demo   Marka '), { name: 'Demo Marka' });
  assert.equal(brandNameKey(' DEMO  İSTANBUL '), brandNameKey('demo istanbul'));
});
