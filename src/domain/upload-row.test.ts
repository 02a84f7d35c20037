import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHeader, rowToConsentBody } from './upload-row.js';

test('the header is matched case-insensitively; missing required columns are named', () => {
  const { positions, missing } = readHeader(['Recipient', 'TYPE', 'unknown', 'consentdate']);
  assert.deepEqual(
    [...positions.entries()],
    [
      ['recipient', 0],
      ['type', 1],
      ['consentDate', 3],
    ],
  );
  assert.deepEqual(missing, ['recipientType', 'status']);
});

test('cells become the body the API would receive', () => {
  const { positions } = readHeader([
    'recipient',
    'recipientType',
    'type',
    'status',
    'consentDate',
    'retailerCode',
    'retailerAccess',
  ]);
  const cases: [unknown[], Record<string, unknown>][] = [
    [
      [' +905321234567 ', 'BIREYSEL', 'MESAJ', 'ONAY', '2026-11-27 14:30:00', '', ''],
      {
        recipient: '+905321234567',
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'ONAY',
        consentDate: '2026-11-27 14:30:00',
      },
    ],
    // Excel: a phone typed as a number loses its +, a date is a serial number, codes are a list.
    [
      [905321234567, 'TACIR', 'ARAMA', 'RET', 46353.5, 123, '7; 8,9'],
      {
        recipient: '+905321234567',
        recipientType: 'TACIR',
        type: 'ARAMA',
        status: 'RET',
        consentDate: '2026-11-27 12:00:00',
        retailerCode: 123,
        retailerAccess: [7, 8, 9],
      },
    ],
    // Rich text and formula cells count by what they show.
    [
      [
        { richText: [{ text: 'ali@' }, { text: 'example.com' }] },
        'BIREYSEL',
        { formula: 'X', result: 'EPOSTA' },
        'ONAY',
        null,
        'abc',
        '',
      ],
      {
        recipient: 'ali@example.com',
        recipientType: 'BIREYSEL',
        type: 'EPOSTA',
        status: 'ONAY',
        retailerCode: 'abc',
      },
    ],
  ];
  for (const [cells, expected] of cases) assert.deepEqual(rowToConsentBody(positions, cells), expected);
});
