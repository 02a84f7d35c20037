import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldForSms, smsLength } from './sms-length.js';

test('GSM-7 holds 160 characters in one segment, 153 per segment beyond; its extension counts twice', () => {
  assert.deepEqual(smsLength('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
  assert.deepEqual(smsLength('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
  assert.deepEqual(smsLength('a'.repeat(306)), { encoding: 'GSM-7', units: 306, segments: 2 });
  assert.deepEqual(smsLength('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
  assert.deepEqual(smsLength('Çöü ÖÜ'), { encoding: 'GSM-7', units: 6, segments: 1 });
});

test('one Turkish letter outside GSM-7 makes the whole text UCS-2: 70 in one segment, 67 beyond', () => {
  assert.deepEqual(smsLength(`ş${'a'.repeat(69)}`), { encoding: 'UCS-2', units: 70, segments: 1 });
  assert.deepEqual(smsLength(`İ${'a'.repeat(70)}`), { encoding: 'UCS-2', units: 71, segments: 2 });
  assert.equal(smsLength('ğ'.repeat(135)).segments, 3);
});

test('folding keeps the GSM-7 letters and replaces only the ones it lacks', () => {
  assert.equal(
    foldForSms('İYS: Diğer Şirket Ltd. – Çiçek Işık Güneş Öğün'),
    'IYS: Diger Sirket Ltd. - Çicek Isik Günes Ögün',
  );
  assert.equal(smsLength(foldForSms('İYS: Diğer Şirket Ltd. Çiçek Işık Güneş Öğün')).encoding, 'GSM-7');
  assert.equal(smsLength(foldForSms('Marka 🌟')).encoding, 'UCS-2', 'what cannot be folded stays');
});
