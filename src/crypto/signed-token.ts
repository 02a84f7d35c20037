import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 16;

/**
 * Compact signed tokens for links sent in SMS: base64url(payload) "." base64url(HMAC-SHA-256 truncated to
 * 128 bits). The payload is a short JSON object; tokens carry an expiry and a purpose, so a token made for
 * one thing is never accepted for another.
 */
export class TokenSigner {
  constructor(private readonly key: Buffer) {}

  sign(purpose: string, payload: Record<string, string | number>, expiresAt: Date): string {
    const body = Buffer.from(
      JSON.stringify({ ...payload, p: purpose, x: Math.floor(expiresAt.getTime() / 1000) }),
    ).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The payload, or null when the token is malformed, forged, for another purpose or expired. */
  verify(purpose: string, token: string, now: Date): Record<string, string | number> | null {
    const match = /^([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!match) return null;
    const [, body, mac] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (!timingSafeEqual(expected, Buffer.from(mac, 'base64url'))) return null;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof payload !== 'object' || payload === null) return null;
    const { p, x, ...rest } = payload as Record<string, string | number>;
    if (p !== purpose || typeof x !== 'number' || x * 1000 <= now.getTime()) return null;
    return rest;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}
