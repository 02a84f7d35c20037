/**
 * İYS dates travel as `YYYY-MM-DD HH:mm:ss` in Türkiye time. Türkiye has kept UTC+3 all year since
 * 2016-09-07, and every date the registry accepts is after 2015-05-01, so a fixed offset is exact for all
 * new data; the few 2015–2016 summer dates with a historical UTC+3 are equally right, winter ones before
 * 2016 were UTC+2 but İYS itself documents GMT+3 for all dates, so we follow the wire contract.
 */
const OFFSET_MS = 3 * 60 * 60 * 1000;
export type WireDateParse = { ok: true; date: Date } | { ok: false; reason: 'format' | 'invalid' };

const FORMAT_ERROR = { ok: false, reason: 'format' } as const;
const INVALID = { ok: false, reason: 'invalid' } as const;
const DIGIT_0 = 48;
/** Where `YYYY-MM-DD HH:mm:ss` has its separators, and which. */
const SEPARATORS: ReadonlyArray<[number, number]> = [
  [4, 45], // -
  [7, 45],
  [10, 32], // space
  [13, 58], // :
  [16, 58],
];

/**
 * Parses `YYYY-MM-DD HH:mm:ss` (ASCII digits only) by character codes: every accepted consent's date goes
 * through it, and a regular expression with a Date round trip cost several times as much. A format error
 * (the shape) and an impossible date (2023-02-29, 24:00:00) stay told apart, as before; a year below 100
 * is impossible too (JavaScript reads it as 19xx). `wire-date.test.ts` compares it with that definition.
 */
export function parseWireDate(text: string): WireDateParse {
  if (text.length !== 19) return FORMAT_ERROR;
  for (const [at, code] of SEPARATORS) if (text.charCodeAt(at) !== code) return FORMAT_ERROR;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return FORMAT_ERROR;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return INVALID;
  if (hour > 23 || minute > 59 || second > 59) return INVALID;
  return { ok: true, date: new Date(Date.UTC(year, month - 1, day, hour, minute, second) - OFFSET_MS) };
}

/** The number written by `count` ASCII digits from `at`, or -1 if any of them is not one. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
}

/** Shifts an instant to Türkiye wall-clock time, expressed in the UTC fields of the returned Date. */
export function toTurkeyWallClock(instant: Date): Date {
  return new Date(instant.getTime() + OFFSET_MS);
}

export function formatWireDate(instant: Date): string {
  return toTurkeyWallClock(instant).toISOString().slice(0, 19).replace('T', ' ');
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const dayPrefixes = new Map<number, string>();

/**
 * `formatWireDate` for whole epoch seconds, for hot paths that format thousands of dates per request (the
 * gateway's `since`): the day's `YYYY-MM-DD` is remembered (a few thousand days hold every date the
 * registry accepts) and the time is put together from two-digit strings.
 */
export function formatWireSeconds(epochSeconds: number): string {
  const local = epochSeconds + OFFSET_MS / 1000;
  const day = Math.floor(local / 86_400);
  const second = local - day * 86_400;
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= 20_000) dayPrefixes.clear();
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 10);
    dayPrefixes.set(day, prefix);
  }
  return `${prefix} ${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}`;
}

/**
 * The last wire second before an exclusive deadline (businessDeadline's "first instant after"): what a person
 * reads as the last moment to act, `YYYY-MM-DD 23:59:59` for a deadline at midnight.
 */
export function formatDeadline(deadline: Date): string {
  return formatWireDate(new Date(deadline.getTime() - 1000));
}

/** The Türkiye calendar day of an instant, as days since 1970-01-01: a cheap key for per-day caches. */
export function turkeyDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + OFFSET_MS) / 86_400_000);
}

/** The Türkiye calendar day of an instant, as `YYYY-MM-DD`. */
export function turkeyDay(instant: Date): string {
  return toTurkeyWallClock(instant).toISOString().slice(0, 10);
}

/** The instant a Türkiye calendar day (`YYYY-MM-DD`) begins. */
export function startOfTurkeyDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** Wire dates have whole seconds; storing more precision would make equal dates compare unequal. */
export function truncateToSecond(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 1000) * 1000);
}
