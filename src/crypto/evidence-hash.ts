import { hash } from 'node:crypto';

/** What a piece of evidence's leaf commits to: the movement it supports and the file's digest. */
export interface HashedEvidence {
  event_id: string;
  brand_id: number;
  recipient_key: Buffer;
  transaction_id: string;
  media_type: string;
  bytes: number;
  sha256: Buffer;
  actor_id: string;
  created_at: Date;
}

/** Canonical serialisation, as for events (event-hash.ts), under its own tag so the two never collide. */
export function canonicalEvidence(evidence: HashedEvidence): string {
  return JSON.stringify([
    'openiys/consent-evidence/v1',
    String(evidence.event_id),
    evidence.brand_id,
    evidence.recipient_key.toString('hex'),
    evidence.transaction_id,
    evidence.media_type,
    evidence.bytes,
    evidence.sha256.toString('hex'),
    evidence.actor_id,
    evidence.created_at.getTime(),
  ]);
}

/** RFC 6962 leaf hash (0x00 prefix), a leaf of the same transparency log as the events. */
export function evidenceLeafHash(evidence: HashedEvidence): Buffer {
  return hash('sha256', `\u0000${canonicalEvidence(evidence)}`, 'buffer');
}
