import { createHash } from 'node:crypto';

/** The fields of a consent event that its leaf hash commits to. */
export interface HashedEvent {
  transactionId: string;
  brandId: number;
  recipientKey: Buffer;
  recipientType: string;
  type: string;
  status: string;
  source: string | null;
  consentDate: Date;
  creationDate: Date;
  retailerCode: number | null;
  retailerAccess: number[];
  actorKind: string;
  actorId: string | null;
}

/**
 * Canonical serialisation: a JSON array in a fixed field order with dates as epoch milliseconds and the
 * blind index in hex, so the same event always hashes the same way, whatever produced the object.
 */
export function canonicalEvent(event: HashedEvent): string {
  return JSON.stringify([
    'openiys/consent-event/v1',
    event.transactionId,
    event.brandId,
    event.recipientKey.toString('hex'),
    event.recipientType,
    event.type,
    event.status,
    event.source,
    event.consentDate.getTime(),
    event.creationDate.getTime(),
    event.retailerCode,
    event.retailerAccess,
    event.actorKind,
    event.actorId,
  ]);
}

/** RFC 6962 leaf hash (0x00 prefix), ready for a Merkle transparency log. */
export function leafHash(event: HashedEvent): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(canonicalEvent(event), 'utf8').digest();
}
