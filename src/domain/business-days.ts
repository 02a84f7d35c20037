import Holidays from 'date-holidays';
import { startOfTurkeyDay, turkeyDay, turkeyDayNumber } from './wire-date.js';

/**
 * The Turkish working calendar: weekends and official public holidays, including the movable Ramazan and
 * Kurban Bayramı. A day counts as a holiday when its noon (Türkiye time) falls inside a public holiday, so
 * the half-day eves (arife), which are working mornings, stay business days, as they do for Turkish
 * statutory deadlines.
 */
export interface WorkingCalendar {
  isBusinessDay(day: string): boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Deadlines per calendar and start day: bulk uploads carry many records of the same few days. */
const deadlineCaches = new WeakMap<WorkingCalendar, Map<number, Date>>();

export function turkishWorkingCalendar(): WorkingCalendar {
  const holidays = new Holidays('TR');
  const cache = new Map<string, boolean>();
  return {
    isBusinessDay(day) {
      let known = cache.get(day);
      if (known === undefined) {
        const noon = new Date(startOfTurkeyDay(day).getTime() + 12 * 60 * 60 * 1000);
        const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
        const isWeekend = weekday === 0 || weekday === 6;
        const found = holidays.isHoliday(noon);
        const isHoliday = Array.isArray(found) && found.some((h) => h.type === 'public');
        known = !isWeekend && !isHoliday;
        cache.set(day, known);
      }
      return known;
    },
  };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first instant after the period of `businessDays` business days that follows the day of `from`:
 * something obtained on a Friday with 3 business days to register must be in by the end of Wednesday.
 */
export function businessDeadline(from: Date, businessDays: number, calendar: WorkingCalendar): Date {
  // Asked once per consent written: the key is a number, so a hit formats no date.
  if (!Number.isInteger(businessDays) || businessDays < 0 || businessDays >= 1000)
    throw new RangeError(`businessDeadline takes 0–999 business days, not ${businessDays}`);
  const key = turkeyDayNumber(from) * 1000 + businessDays;
  let cache = deadlineCaches.get(calendar);
  if (!cache) deadlineCaches.set(calendar, (cache = new Map()));
  let deadline = cache.get(key);
  if (deadline === undefined) {
    let day = turkeyDay(from);
    let counted = 0;
    while (counted < businessDays) {
      day = nextDay(day);
      if (calendar.isBusinessDay(day)) counted++;
    }
    deadline = startOfTurkeyDay(nextDay(day));
    if (cache.size > 10_000) cache.clear();
    cache.set(key, deadline);
  }
  return deadline;
}
