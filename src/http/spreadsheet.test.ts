import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'csv-stringify/sync';
import { csvOptions, inertCell } from './spreadsheet.js';

test('a text cell that a spreadsheet would evaluate is made inert; numbers and plain text stay', () => {
  for (const hostile of [
    '=HYPERLINK("http://evil.example","Tıkla")',
    "+cmd|' /C calc'!A0",
    '-2+3@example.com',
    '@SUM(A1:A2)',
    '\t=1+1',
    '\r=1+1',
  ]) {
    assert.equal(inertCell(hostile), `'${hostile}`, hostile);
  }
  for (const kept of ['+905321234567', '-12', '87,5', 'Demo Marka', 'ali@example.com', '']) {
    assert.equal(inertCell(kept), kept, kept);
  }
});

test('CSV written with csvOptions carries the inert form', () => {
  const csv = stringify([{ brand: '=1+1', phone: '+905321234567' }], csvOptions(['brand', 'phone']));
  assert.equal(csv, "brand,phone\n'=1+1,+905321234567\n");
});
