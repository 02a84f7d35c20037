import Holidays from 'date-holidays';
import { startOfTurkeyDay, turkeyDay } from './wire-date.js';

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
  let day = turkeyDay(from);
  let counted = 0;
  while (counted < businessDays) {
    day = nextDay(day);
    if (calendar.isBusinessDay(day)) counted++;
  }
  return startOfTurkeyDay(nextDay(day));
}
