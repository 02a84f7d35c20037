/**
 * Turkish identifiers with their check digits: TCKN (citizens), VKN (tax numbers of legal entities) and the
 * MERSİS number (central trade registry). Pure functions; a wrong digit is caught before any lookup.
 */

const digitsOf = (value: string): number[] => [...value].map(Number);

/** T.C. Kimlik No: 11 digits, no leading zero; digit 10 and 11 are checksums of the first 9 and 10. */
export function isValidTckn(value: string): boolean {
  if (!/^[1-9]\d{10}$/.test(value)) return false;
  const d = digitsOf(value);
  const odd = d[0]! + d[2]! + d[4]! + d[6]! + d[8]!;
  const even = d[1]! + d[3]! + d[5]! + d[7]!;
  const tenth = (((odd * 7 - even) % 10) + 10) % 10;
  const eleventh = d.slice(0, 10).reduce((sum, digit) => sum + digit, 0) % 10;
  return d[9] === tenth && d[10] === eleventh;
}

/**
 * Vergi Kimlik No: 10 digits; the last is derived from the first nine (Gelir İdaresi's algorithm: each digit
 * shifted by its place, weighted by a power of two modulo 9, a 9 kept as it is).
 */
export function isValidVkn(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const d = digitsOf(value);
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const shifted = (d[i]! + 9 - i) % 10;
    sum += shifted === 9 ? 9 : (shifted * 2 ** (9 - i)) % 9;
  }
  return (10 - (sum % 10)) % 10 === d[9];
}

/**
 * MERSİS No: 16 digits, a leading 0, then the company's VKN, then a registry sequence. The embedded VKN must
 * carry a valid check digit, and, when the VKN is known, be that VKN.
 */
export function isValidMersis(value: string, vkn?: string): boolean {
  if (!/^0\d{15}$/.test(value)) return false;
  const embedded = value.slice(1, 11);
  return isValidVkn(embedded) && (vkn === undefined || embedded === vkn);
}
