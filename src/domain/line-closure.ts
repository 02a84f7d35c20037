import { iysError, type IysErrorItem } from './iys-errors.js';
import { normaliseTypedPhone, parseRecipient } from './recipient.js';
import { REGISTRY_EPOCH } from './consent-rules.js';
import { parseWireDate, startOfTurkeyDay, truncateToSecond } from './wire-date.js';

export interface LineClosure {
  /** The closed number in E.164. */
  phone: string;
  /** When the line stopped belonging to its owner. */
  closedAt: Date;
}

export type LineClosureParse = { ok: true; closure: LineClosure } | { ok: false; error: IysErrorItem };

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One reported closure: a mobile number (E.164 or as operators' files write it, `05321234567`) and its
 * closure date. A date without a time means the whole day: the line belonged to nobody by its end, so every
 * consent dated that day or before is ended (a number is never handed out again on the day it closed). A
 * day not yet over ends at `now`. Pure.
 */
export function parseLineClosure(
  recipient: unknown,
  closedAt: unknown,
  now: Date,
  location: (string | number)[] = [],
): LineClosureParse {
  const parsed = parseRecipient(normaliseTypedPhone(recipient), [...location, 'recipient']);
  if (!parsed.ok) return parsed;
  if (parsed.kind !== 'phone')
    return { ok: false, error: iysError('H121', { location: [...location, 'recipient'], value: recipient }) };

  const at = [...location, 'closedAt'];
  if (typeof closedAt !== 'string')
    return { ok: false, error: iysError('H993', { location: at, value: closedAt }) };
  const text = closedAt.trim();
  let instant: Date;
  if (DAY_ONLY.test(text)) {
    const start = parseWireDate(`${text} 00:00:00`);
    if (!start.ok) return { ok: false, error: iysError('H993', { location: at, value: closedAt }) };
    if (startOfTurkeyDay(text) > now)
      return { ok: false, error: iysError('H162', { location: at, value: closedAt }) };
    instant = new Date(
      Math.min(startOfTurkeyDay(text).getTime() + DAY_MS - 1000, truncateToSecond(now).getTime()),
    );
  } else {
    const full = parseWireDate(text);
    if (!full.ok) return { ok: false, error: iysError('H993', { location: at, value: closedAt }) };
    instant = full.date;
  }
  if (instant < REGISTRY_EPOCH)
    return { ok: false, error: iysError('H156', { location: at, value: closedAt }) };
  if (instant > now) return { ok: false, error: iysError('H162', { location: at, value: closedAt }) };
  return { ok: true, closure: { phone: parsed.address, closedAt: instant } };
}
