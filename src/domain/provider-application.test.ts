import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPdf, parseProviderApplication } from './provider-application.js';

export const COMPANY = {
  kind: 'TUZEL',
  title: 'Örnek Ticaret A.Ş.',
  vkn: '1234567890',
  mersis: '0123456789000015',
  taxOffice: 'Kadıköy',
  invoiceAddress: 'Caferağa Mah. Moda Cad. No: 1 Kadıköy / İstanbul',
  email: 'Uyum@Ornek.com.tr',
  contactName: 'Ayşe Yılmaz',
  contactTckn: '10000000146',
};

describe('parseProviderApplication', () => {
  test('a legal entity: VKN is the tax id, e-mail lower-cased, spaces tidied', () => {
    const parsed = parseProviderApplication({ ...COMPANY, title: '  Örnek   Ticaret A.Ş. ' });
    assert.ok(parsed.ok);
    assert.equal(parsed.value.taxId, '1234567890');
    assert.equal(parsed.value.mersis, '0123456789000015');
    assert.equal(parsed.value.email, 'uyum@ornek.com.tr');
    assert.equal(parsed.value.title, 'Örnek Ticaret A.Ş.');
  });

  test('a natural person: the TCKN replaces VKN and MERSİS', () => {
    const { vkn: _v, mersis: _m, ...rest } = COMPANY;
    const parsed = parseProviderApplication({ ...rest, kind: 'GERCEK', tckn: '12345678950' });
    assert.ok(parsed.ok);
    assert.equal(parsed.value.taxId, '12345678950');
    assert.equal(parsed.value.mersis, null);
  });

  const rejections: [string, Record<string, unknown>, string, string][] = [
    ['unknown kind', { kind: 'LTD' }, 'H940', 'kind'],
    ['VKN check digit', { vkn: '1234567891' }, 'H942', 'vkn'],
    ['MERSİS of another company', { mersis: '0001001001000015' }, 'H943', 'mersis'],
    ['MERSİS too short', { mersis: '012345678900001' }, 'H943', 'mersis'],
    ['authorised person TCKN', { contactTckn: '10000000147' }, 'H941', 'contactTckn'],
    ['missing title', { title: undefined }, 'H940', 'title'],
    ['e-mail that is a phone', { email: '+905321234567' }, 'H940', 'email'],
    ['short invoice address', { invoiceAddress: 'x' }, 'H940', 'invoiceAddress'],
    ['name with digits', { contactName: 'Ayşe 2' }, 'H940', 'contactName'],
  ];
  for (const [why, change, code, field] of rejections) {
    test(`rejects ${why} with ${code} at ${field}`, () => {
      const parsed = parseProviderApplication({ ...COMPANY, ...change });
      assert.equal(parsed.ok, false);
      assert.ok(!parsed.ok);
      assert.deepEqual(
        parsed.errors.map((e) => [e.code, e.location?.[0]]),
        [[code, field]],
      );
    });
  }

  test('a natural person with a bad TCKN gets H941 at tckn', () => {
    const parsed = parseProviderApplication({ ...COMPANY, kind: 'GERCEK', tckn: '12345678951' });
    assert.ok(!parsed.ok);
    assert.deepEqual(
      parsed.errors.map((e) => e.location?.[0]),
      ['tckn'],
    );
  });

  test('every problem is reported at once', () => {
    const parsed = parseProviderApplication({ kind: 'TUZEL' });
    assert.ok(!parsed.ok);
    assert.equal(parsed.errors.length, 8);
  });
});

describe('isPdf', () => {
  const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  test('header and end marker', () => assert.ok(isPdf(pdf)));
  test('a PNG named .pdf is not a PDF', () =>
    assert.equal(isPdf(Buffer.from('\x89PNG\r\n\x1a\n0000000000000000', 'latin1')), false));
  test('a truncated PDF has no end marker', () => assert.equal(isPdf(pdf.subarray(0, 30)), false));
});
