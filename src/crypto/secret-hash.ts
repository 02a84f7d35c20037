import { hash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 of a bearer secret (access token, session, staff or gateway key). Secrets are random and long, so a
 * plain hash suffices: the database holds only these, and a dump cannot be replayed as credentials.
 */
export function hashSecret(secret: string): Buffer {
  // One-shot (a string is hashed as UTF-8): every API request and gateway check hashes its bearer secret.
  return hash('sha256', secret, 'buffer');
}

/** Compares a presented secret with the expected one in constant time, whatever either's length. */
export function sameSecret(given: unknown, expected: string): boolean {
  return typeof given === 'string' && timingSafeEqual(hashSecret(given), hashSecret(expected));
}
