import { Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { ConsentType, RecipientKind } from './consent.js';
import { iysError, type IysErrorItem } from './iys-errors.js';

export type RecipientParse =
  { ok: true; address: string; kind: RecipientKind } | { ok: false; error: IysErrorItem };

const E164_SHAPE = /^\+[1-9]\d{1,14}$/;
const PHONE_MAX_CHARS = 15;
// The İYS e-mail rule: ASCII only (no Turkish letters), no spaces or punctuation outside . _ % + -,
// at least x@xx.xx, 6–265 characters.
const EMAIL_SHAPE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const EMAIL_MIN = 6;
const EMAIL_MAX = 265;

/**
 * Türkiye's mobile numbers in E.164, from libphonenumber's own metadata: nearly every recipient is one,
 * and this test costs ~0.1 µs where a full parse costs ~7 µs. A mobile number is a valid number, so a match
 * is exactly libphonenumber's answer; anything else still gets the full parse (recipient.test.ts compares
 * both on a large sample). Should a future metadata format hide the pattern, the fast path simply matches
 * nothing.
 */
export const TURKISH_MOBILE = ((): RegExp => {
  const plan = new Metadata(); // the same "max" metadata the full parse below uses
  plan.selectNumberingPlan('TR');
  const numbering = plan.numberingPlan as
    { type?(name: string): { pattern(): string } | undefined } | undefined;
  const pattern = numbering?.type?.('MOBILE')?.pattern();
  return pattern ? new RegExp(`^\\+90(?:${pattern})$`) : /(?!)/;
})();

/**
 * Validates and normalises a recipient address. Phones must already be E.164 (`+905xx…`) and a number
 * that really exists in its country's plan; e-mail addresses are lower-cased, because İYS and every
 * mailbox provider treat them case-insensitively and one person must map to one blind index.
 */
export function parseRecipient(
  value: unknown,
  location: (string | number)[] = ['recipient'],
): RecipientParse {
  if (value === undefined || value === null || value === '') {
    return { ok: false, error: iysError('H114', { location }) };
  }
  if (typeof value !== 'string') return { ok: false, error: iysError('H122', { location, value }) };

  if (value.includes('@')) {
    const valid =
      value.length >= EMAIL_MIN &&
      value.length <= EMAIL_MAX &&
      EMAIL_SHAPE.test(value) &&
      !value.includes('..');
    return valid
      ? { ok: true, address: value.toLowerCase(), kind: 'email' }
      : { ok: false, error: iysError('H120', { location, value }) };
  }

  if (/^\+?\d/.test(value)) {
    if (/^\+?\d+$/.test(value) && value.length > PHONE_MAX_CHARS)
      return { ok: false, error: iysError('H166', { location, value }) };
    if (TURKISH_MOBILE.test(value)) return { ok: true, address: value, kind: 'phone' };
    const phone = E164_SHAPE.test(value) ? parsePhoneNumberFromString(value) : undefined;
    return phone?.isValid()
      ? { ok: true, address: phone.number, kind: 'phone' }
      : { ok: false, error: iysError('H121', { location, value }) };
  }

  return { ok: false, error: iysError('H122', { location, value }) };
}

/**
 * A phone number as people in Türkiye write it, turned into E.164 before it is judged: `05321234567`,
 * `0532 123 45 67`, `(0532) 123-45-67`, `+90 532 123 45 67`, `0090…`, or `905321234567` (a CSV saved by
 * Excel, which drops the `+`, as it does for any country's number). Anything else — an e-mail address, text — is returned unchanged. For what
 * people type and upload (the portals, consent files); the provider API keeps İYS's strict format.
 */
export function normaliseTypedPhone(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[\d\s()+.-]+$/.test(value.trim())) return value;
  let digits = value.replace(/[\s().-]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (digits.startsWith('+')) return digits;
  if (/^90[2-5]\d{9}$/.test(digits)) return `+${digits}`;
  if (/^0[2-5]\d{9}$/.test(digits)) return `+90${digits.slice(1)}`;
  if (/^[2-5]\d{9}$/.test(digits)) return `+90${digits}`;
  // Another country's number that lost its `+` (11–15 digits, no trunk 0).
  if (/^[1-9]\d{10,14}$/.test(digits)) return `+${digits}`;
  return value;
}

/** Calls and SMS need a phone number; e-mail consents need an e-mail address. */
export function checkTypeMatchesRecipient(
  type: ConsentType,
  kind: RecipientKind,
  value: string,
): IysErrorItem | null {
  if (kind === 'phone' && type === 'EPOSTA') return iysError('H459', { location: ['type'], value: type });
  if (kind === 'email' && type === 'MESAJ') return iysError('H464', { location: ['recipient'], value });
  if (kind === 'email' && type === 'ARAMA') return iysError('H903', { location: ['recipient'], value });
  return null;
}
