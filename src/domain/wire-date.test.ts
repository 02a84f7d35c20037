import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatWireDate,
  formatWireSeconds,
  parseWireDate,
  turkeyDay,
  turkeyDayNumber,
  type WireDateParse,
} from './wire-date.js';

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

/** The definition parseWireDate replaced (a regular expression and a Date round trip): the reference. */
function parseByDefinition(text: string): WireDateParse {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return { ok: false, reason: 'format' };
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  const same =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  return same ? { ok: true, date: new Date(utc - 3 * 3600_000) } : { ok: false, reason: 'invalid' };
}

test('parseWireDate answers as its definition on every field value and on mangled text', () => {
  const two = (n: number) => String(n).padStart(2, '0');
  const texts: string[] = [];
  // Every month and day number 00–39 in leap, common and century years (1900, 2000, 2100), all hours,
  // minutes and seconds 00–99 at the edges, years below 100.
  for (const year of ['0000', '0001', '0099', '0100', '1900', '1999', '2000', '2023', '2024', '2100', '9999'])
    for (let month = 0; month <= 13; month++)
      for (let day = 0; day <= 39; day++) texts.push(`${year}-${two(month)}-${two(day)} 12:00:00`);
  for (let n = 0; n <= 99; n++)
    texts.push(`2024-06-15 ${two(n)}:00:00`, `2024-06-15 10:${two(n)}:00`, `2024-06-15 10:00:${two(n)}`);
  // Random real seconds 1900–2100, then each with one character replaced or removed, and one added.
  const odd = ['', 'a', ' ', '-', ':', 'T', '/', '٣', '１', '\n', '\u0000', '+', '.', '9'];
  for (let i = 0; i < 20_000; i++) {
    const valid = formatWireDate(new Date(Date.UTC(1900, 0, 1) + Math.random() * 6_311_520_000_000));
    const at = Math.floor(Math.random() * 20);
    const char = odd[Math.floor(Math.random() * odd.length)]!;
    texts.push(
      valid,
      valid.slice(0, at) + char + valid.slice(at + 1),
      valid.slice(0, at) + char + valid.slice(at),
    );
  }
  texts.push('', '2024-06-15 10:00:00\n', '\n2024-06-15 10:00:00', '２０２４-06-15 10:00:00');
  for (const text of texts) {
    const expected = parseByDefinition(text);
    const actual = parseWireDate(text);
    assert.deepEqual(
      actual.ok ? { ok: true, at: actual.date.getTime() } : actual,
      expected.ok ? { ok: true, at: expected.date.getTime() } : expected,
      JSON.stringify(text),
    );
  }
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
