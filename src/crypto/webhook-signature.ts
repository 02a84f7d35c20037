import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying `t=<unix seconds>,v1=<hex>[,v1=<hex>]` (one v1 per valid secret). */
export const SIGNATURE_HEADER = 'openiys-signature';
export const EVENT_ID_HEADER = 'openiys-event-id';

/** HMAC-SHA-256 over `<timestamp>.<body>`: the timestamp is signed too, so an old body cannot be replayed. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signWebhook(secret, timestamp, body)}`)].join(
    ',',
  );
}

/**
 * What a receiver does: checks one of the signatures with its secret and refuses stale timestamps
 * (default tolerance 5 minutes). Exported for the tests, the benchmark and anyone writing a receiver in TS.
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const parts = (header ?? '').split(',').map((part) => part.split('=') as [string, string]);
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  return parts.some(
    ([key, value]) =>
      key === 'v1' && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
}
