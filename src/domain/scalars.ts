import { isInt4 } from './int4.js';

/**
 * Request values as the scalars they should be. JSON can put an object or an array where a code or a text
 * belongs, and `String({toString: 'x'})` throws: these never do, and never call a value's own methods.
 */

/** A code given as a JSON number or as a string of digits; undefined for anything else or out of range. */
export function codeOf(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  return isInt4(number) ? number : undefined;
}

/** A text given as a string (or a number, as a person may type digits); '' for anything else. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
