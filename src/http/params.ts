import { IysRequestError } from '../domain/iys-errors.js';
import { codeOf } from '../domain/scalars.js';

/** Path codes are PostgreSQL integers; anything else is H190 (iysCode) or H191 (brandCode). */
function parseCode(raw: string, code: 'H190' | 'H191', name: string): number {
  const value = codeOf(raw);
  if (value === undefined) throw IysRequestError.of(code, { location: [name], value: raw });
  return value;
}

export const parseIysCode = (raw: string) => parseCode(raw, 'H190', 'iysCode');
export const parseBrandCode = (raw: string) => parseCode(raw, 'H191', 'brandCode');
