import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatWireDate, formatWireSeconds, parseWireDate, turkeyDay, turkeyDayNumber } from './wire-date.js';

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

test('the hot-path formatter writes every second as formatWireDate does', () => {
  const edges = [
    0,
    1_430_438_400,
    1_456_704_000 - 1,
    1_456_704_000,
    1_735_678_799,
    1_735_678_800,
    4_102_444_799,
  ];
  const random = Array.from({ length: 100_000 }, () => Math.floor(Math.random() * 4_102_444_800));
  for (const seconds of [...edges, ...random])
    assert.equal(formatWireSeconds(seconds), formatWireDate(new Date(seconds * 1000)), String(seconds));
});

test('turkeyDayNumber counts the same Türkiye days as turkeyDay, across midnight in Türkiye (21:00 UTC)', () => {
  for (const iso of [
    '2026-12-06T20:59:59.999Z',
    '2026-12-06T21:00:00.000Z',
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T20:59:59.999Z',
    '2024-02-29T21:00:00.000Z',
  ]) {
    const instant = new Date(iso);
    const days = Date.parse(`${turkeyDay(instant)}T00:00:00Z`) / 86_400_000;
    assert.equal(turkeyDayNumber(instant), days, iso);
  }
});
