import { hash } from 'node:crypto';

/** The columns of a consent event that its leaf hash commits to (all of them but id and the hash). */
export interface HashedEvent {
  transaction_id: string;
  brand_id: number;
  recipient_key: Buffer;
  recipient_type: string;
  type: string;
  status: string;
  source: string | null;
  consent_date: Date;
  creation_date: Date;
  retailer_code: number | null;
  retailer_access: number[];
  actor_kind: string;
  actor_id: string | null;
}

/**
 * Canonical serialisation: a JSON array in a fixed field order with dates as epoch milliseconds and the
 * blind index in hex, so the same event always hashes the same way, whatever produced the object.
 */
export function canonicalEvent(event: HashedEvent): string {
  return JSON.stringify([
    'openiys/consent-event/v1',
    event.transaction_id,
    event.brand_id,
    event.recipient_key.toString('hex'),
    event.recipient_type,
    event.type,
    event.status,
    event.source,
    event.consent_date.getTime(),
    event.creation_date.getTime(),
    event.retailer_code,
    event.retailer_access,
    event.actor_kind,
    event.actor_id,
  ]);
}

/** RFC 6962 leaf hash (0x00 prefix), ready for a Merkle transparency log. */
export function leafHash(event: HashedEvent): Buffer {
  // One-shot: the string is hashed as UTF-8, and its leading NUL is the prefix byte 0x00.
  return hash('sha256', `\u0000${canonicalEvent(event)}`, 'buffer');
}
