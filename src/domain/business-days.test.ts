import assert from 'node:assert/strict';
import { test } from 'node:test';
import { businessDeadline, turkishWorkingCalendar } from './business-days.js';
import { formatWireDate, parseWireDate } from './wire-date.js';

const calendar = turkishWorkingCalendar();
const at = (text: string) => {
  const parsed = parseWireDate(text);
  assert.ok(parsed.ok, text);
  return parsed.date;
};
const deadline = (from: string) => formatWireDate(businessDeadline(at(from), 3, calendar));

test('weekends and fixed public holidays are not business days', () => {
  assert.equal(calendar.isBusinessDay('2026-11-28'), false); // Saturday
  assert.equal(calendar.isBusinessDay('2026-11-29'), false); // Sunday
  assert.equal(calendar.isBusinessDay('2026-11-30'), true);
  assert.equal(calendar.isBusinessDay('2026-10-29'), false); // Cumhuriyet Bayramı
  assert.equal(calendar.isBusinessDay('2026-04-23'), false);
  assert.equal(calendar.isBusinessDay('2026-01-01'), false);
});

test('Ramazan and Kurban Bayramı follow the lunar calendar; their eves (arife) are working mornings', () => {
  // 2026: Ramazan Bayramı 20–22 March, Kurban Bayramı 27–30 May.
  assert.equal(calendar.isBusinessDay('2026-03-19'), true);
  for (const day of ['2026-03-20', '2026-03-21', '2026-03-22'])
    assert.equal(calendar.isBusinessDay(day), false, day);
  assert.equal(calendar.isBusinessDay('2026-03-23'), true);
  assert.equal(calendar.isBusinessDay('2026-05-26'), true);
  for (const day of ['2026-05-27', '2026-05-28', '2026-05-29'])
    assert.equal(calendar.isBusinessDay(day), false, day);
  // 2025: Ramazan Bayramı 30 March – 1 April.
  assert.equal(calendar.isBusinessDay('2025-03-31'), false);
  assert.equal(calendar.isBusinessDay('2025-04-01'), false);
  assert.equal(calendar.isBusinessDay('2025-04-02'), true);
});

test('three business days after the day of the event, ending at midnight Türkiye time', () => {
  assert.equal(deadline('2026-11-23 09:00:00'), '2026-11-27 00:00:00'); // Monday → end of Thursday
  assert.equal(deadline('2026-11-27 23:59:59'), '2026-12-03 00:00:00'); // Friday → end of Wednesday
  assert.equal(deadline('2026-11-28 12:00:00'), '2026-12-03 00:00:00'); // Saturday → end of Wednesday
  // Thursday before Ramazan Bayramı 2026: Mon 23, Tue 24, Wed 25 March… but 20–22 are the holiday.
  assert.equal(deadline('2026-03-19 10:00:00'), '2026-03-26 00:00:00');
  // Monday before Kurban Bayramı 2026: Tue 26 (arife) counts, 27–29 do not, then Mon 1 and Tue 2 June.
  assert.equal(deadline('2026-05-25 10:00:00'), '2026-06-03 00:00:00');
});
