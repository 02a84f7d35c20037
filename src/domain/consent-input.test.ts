import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConsentInput } from './consent-input.js';

const valid = {
  recipient: '+905321234567',
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_WEB',
  consentDate: '2024-03-01 10:00:00',
};

test('a complete consent parses with its date in UTC', () => {
  const result = parseConsentInput({ ...valid, retailerCode: 12345678, retailerAccess: [1, 2, 2] });
  assert.ok(result.ok);
  assert.equal(result.consent.consentDate?.toISOString(), '2024-03-01T07:00:00.000Z');
  assert.equal(result.consent.recipientKind, 'phone');
  assert.deepEqual(result.consent.retailerAccess, [1, 2]);
});

test('a new TACIR record may omit source and consentDate', () => {
  const { source: _s, consentDate: _d, ...rest } = valid;
  const result = parseConsentInput({ ...rest, recipientType: 'TACIR' });
  assert.ok(result.ok);
  assert.equal(result.consent.source, null);
  assert.equal(result.consent.consentDate, null);
});

const cases: Array<[string, Record<string, unknown>, string, Array<string | number>]> = [
  ['missing status', { status: undefined }, 'H110', ['status']],
  ['missing type', { type: undefined }, 'H111', ['type']],
  ['missing consentDate', { consentDate: undefined }, 'H112', ['consentDate']],
  ['missing source', { source: undefined }, 'H113', ['source']],
  ['missing recipient', { recipient: undefined }, 'H114', ['recipient']],
  ['missing recipientType', { recipientType: undefined }, 'H170', ['recipientType']],
  ['status RED', { status: 'RED' }, 'H115', ['status']],
  ['recipientType lower case', { recipientType: 'bireysel' }, 'H116', ['recipientType']],
  ['type SMS', { type: 'SMS' }, 'H117', ['type']],
  ['unknown field', { note: 'x' }, 'H118', ['note']],
  ['unknown source', { source: 'HS_FAX' }, 'H119', ['source']],
  ['registry source from a provider', { source: 'IYS_WEB' }, 'H119', ['source']],
  ['bad e-mail', { recipient: 'ali@', type: 'EPOSTA' }, 'H120', ['recipient']],
  ['bad phone', { recipient: '+9012' }, 'H121', ['recipient']],
  ['neither', { recipient: 'hello' }, 'H122', ['recipient']],
  [
    'HS_2015 at another date',
    { source: 'HS_2015', consentDate: '2015-04-30 10:00:00' },
    'H155',
    ['consentDate'],
  ],
  ['impossible date', { consentDate: '2024-02-30 10:00:00' }, 'H157', ['consentDate']],
  ['ISO date', { consentDate: '2024-03-01T10:00:00Z' }, 'H158', ['consentDate']],
  ['numeric date', { consentDate: 1709287200000 }, 'H158', ['consentDate']],
  ['phone too long', { recipient: '+90532123456789012' }, 'H166', ['recipient']],
  ['HS_KARAR with ONAY', { source: 'HS_KARAR' }, 'H408', ['status']],
  ['phone with EPOSTA', { type: 'EPOSTA' }, 'H459', ['type']],
  ['e-mail with MESAJ', { recipient: 'ali@example.com' }, 'H464', ['recipient']],
  ['e-mail with ARAMA', { recipient: 'ali@example.com', type: 'ARAMA' }, 'H903', ['recipient']],
  ['retailerCode as text', { retailerCode: '123' }, 'H085', ['retailerCode']],
  ['retailerAccess not a list', { retailerAccess: 5 }, 'H085', ['retailerAccess']],
  // Retailer codes are stored as PostgreSQL integers: a larger one was accepted, then failed its whole
  // write lane at every retry, holding the brand's later requests behind it.
  ['retailerCode past the largest integer', { retailerCode: 2 ** 31 }, 'H085', ['retailerCode']],
  [
    'retailerAccess past the largest integer',
    { retailerAccess: [7, 2 ** 31] },
    'H085',
    ['retailerAccess', 1],
  ],
];

for (const [name, change, code, location] of cases) {
  test(`${name} → ${code}`, () => {
    const result = parseConsentInput({ ...valid, ...change });
    assert.equal(result.ok, false);
    if (!result.ok) {
      const found = result.errors.find((e) => e.code === code);
      assert.ok(found, `expected ${code}, got ${JSON.stringify(result.errors)}`);
      assert.deepEqual(found.location, location);
      assert.ok(found.message.length > 0);
    }
  });
}

test('every problem is reported at once, with the item prefix', () => {
  const result = parseConsentInput({ recipient: 'x', extra: 1 }, [3]);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.deepEqual(
      result.errors.map((e) => e.code).sort(),
      ['H110', 'H111', 'H112', 'H113', 'H118', 'H122', 'H170'].sort(),
    );
    assert.deepEqual(result.errors.find((e) => e.code === 'H118')?.location, [3, 'extra']);
  }
});

test('a body that is not an object is H085', () => {
  for (const body of [null, [], 'x', 42]) {
    const result = parseConsentInput(body);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.errors[0]?.code, 'H085');
  }
});
