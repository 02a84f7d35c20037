/**
 * İYS dates travel as `YYYY-MM-DD HH:mm:ss` in Türkiye time. Türkiye has kept UTC+3 all year since
 * 2016-09-07, and every date the registry accepts is after 2015-05-01, so a fixed offset is exact for all
 * new data; the few 2015–2016 summer dates with a historical UTC+3 are equally right, winter ones before
 * 2016 were UTC+2 but İYS itself documents GMT+3 for all dates, so we follow the wire contract.
 */
const OFFSET_MS = 3 * 60 * 60 * 1000;
const WIRE_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export type WireDateParse = { ok: true; date: Date } | { ok: false; reason: 'format' | 'invalid' };

export function parseWireDate(text: string): WireDateParse {
  const match = WIRE_FORMAT.exec(text);
  if (!match) return { ok: false, reason: 'format' };
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  // Date.UTC rolls 2021-02-30 over to March; a round trip catches every impossible calendar date.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return { ok: false, reason: 'invalid' };
  }
  return { ok: true, date: new Date(utc - OFFSET_MS) };
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
