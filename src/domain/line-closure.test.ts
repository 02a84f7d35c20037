import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLineClosure } from './line-closure.js';
import { formatWireDate } from './wire-date.js';

const NOW = new Date('2026-12-05T10:00:00.500Z'); // 13:00:00 in Türkiye

test('closures: numbers as operators write them, a day meaning its end, refusals with their codes', () => {
  const cases: Array<[unknown, unknown, string]> = [
    ['+905321234567', '2026-12-01', '+905321234567 2026-12-01 23:59:59'],
    ['05321234567', '2026-12-01 08:30:00', '+905321234567 2026-12-01 08:30:00'],
    ['0532 123 45 67', ' 2026-12-01 ', '+905321234567 2026-12-01 23:59:59'],
    // Today is not over: the closure is dated now, to the second.
    ['+905321234567', '2026-12-05', '+905321234567 2026-12-05 13:00:00'],
    ['ali@example.com', '2026-12-01', 'H121'],
    ['', '2026-12-01', 'H114'],
    [12, '2026-12-01', 'H122'],
    ['+905321234567', '2026-02-30', 'H993'],
    ['+905321234567', '01.12.2026', 'H993'],
    ['+905321234567', null, 'H993'],
    ['+905321234567', '2015-04-30', 'H156'],
    ['+905321234567', '2026-12-05 13:00:01', 'H162'],
    ['+905321234567', '2026-12-06', 'H162'],
  ];
  for (const [recipient, closedAt, expected] of cases) {
    const parsed = parseLineClosure(recipient, closedAt, NOW);
    const got = parsed.ok
      ? `${parsed.closure.phone} ${formatWireDate(parsed.closure.closedAt)}`
      : parsed.error.code;
    assert.equal(got, expected, `${String(recipient)} / ${String(closedAt)}`);
  }
});

test('closure errors name the row’s fields', () => {
  const parsed = parseLineClosure('x', '2026-12-01', NOW, ['closures', 3]);
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.deepEqual(parsed.error.location, ['closures', 3, 'recipient']);
});
