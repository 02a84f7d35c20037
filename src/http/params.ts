import { IysRequestError } from '../domain/iys-errors.js';

const MAX_INT = 2_147_483_647;

/** Path codes are PostgreSQL integers; anything else is H190 (iysCode) or H191 (brandCode). */
function parseCode(raw: string, code: 'H190' | 'H191', name: string): number {
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value > MAX_INT)
    throw IysRequestError.of(code, { location: [name], value: raw });
  return value;
}

export const parseIysCode = (raw: string) => parseCode(raw, 'H190', 'iysCode');
export const parseBrandCode = (raw: string) => parseCode(raw, 'H191', 'brandCode');
