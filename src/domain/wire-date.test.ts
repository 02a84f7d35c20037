import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatWireDate, parseWireDate, turkeyDay } from './wire-date.js';

test('wire dates are Türkiye time (UTC+3) and round-trip', () => {
  const parsed = parseWireDate('2024-03-01 00:30:00');
  assert.ok(parsed.ok);
  assert.equal(parsed.date.toISOString(), '2024-02-29T21:30:00.000Z');
  assert.equal(formatWireDate(parsed.date), '2024-03-01 00:30:00');
  assert.equal(turkeyDay(parsed.date), '2024-03-01');
});

test('format errors and impossible calendar dates are told apart', () => {
  for (const text of [
    '2024-03-01T10:00:00',
    '2024-03-01',
    '01-03-2024 10:00:00',
    '2024-03-01 10:00',
    ' 2024-03-01 10:00:00',
  ]) {
    assert.deepEqual(parseWireDate(text), { ok: false, reason: 'format' }, text);
  }
  for (const text of [
    '2023-02-29 10:00:00',
    '2024-13-01 10:00:00',
    '2024-04-31 10:00:00',
    '2024-01-01 24:00:00',
    '2024-01-01 10:60:00',
  ]) {
    assert.deepEqual(parseWireDate(text), { ok: false, reason: 'invalid' }, text);
  }
  assert.ok(parseWireDate('2024-02-29 23:59:59').ok);
});
