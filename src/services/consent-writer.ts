import type { Transaction } from 'kysely';
import { leafHash } from '../crypto/event-hash.js';
import { createRandomPool } from '../crypto/random-pool.js';
import type { Database } from '../db/types.js';
import type { WorkingCalendar } from '../domain/business-days.js';
import type { ConsentInput, ConsentSource, ConsentStatus, StoredConsent } from '../domain/consent.js';
import { decideTransition } from '../domain/consent-rules.js';
import type { IysErrorItem } from '../domain/iys-errors.js';
import type { ConsentRepository, NewConsentEvent } from '../repositories/consent.repository.js';

/** A validated consent whose address has already been turned into a blind index and a ciphertext. */
export interface SealedConsent extends Omit<ConsentInput, 'recipient' | 'recipientKind'> {
  recipientKey: Buffer;
  addressEnc: Buffer;
  recipientKind: ConsentInput['recipientKind'];
  transactionId: string;
}

export interface Actor {
  kind: 'provider' | 'citizen' | 'system';
  id: string | null;
}

export type WriteOutcome =
  { ok: true; transactionId: string; creationDate: Date } | { ok: false; errors: IysErrorItem[] };

export interface WriteBatch {
  brandId: number;
  /** The provider's activation date (upload-deadline rule). */
  activatedAt: Date;
  /** The moment the registry received the records: deadlines and "not in the future" are judged at it. */
  receivedAt: Date;
  /** The moment of writing; becomes each event's creationDate. */
  now: Date;
  actor: Actor;
  consents: SealedConsent[];
}

const random = createRandomPool();

/** İYS transaction ids are 64 hex characters. */
export function newTransactionId(): string {
  return random(32).toString('hex');
}

/**
 * Applies a batch of consents of one brand inside the caller's transaction: takes the brand's write lock,
 * reads the current state of every identity in one query, decides each record with the pure rules, and
 * appends all accepted events (moving the projection) in one statement. Identities must be unique within
 * a batch (H194 guarantees it for requests).
 */
export async function writeConsents(
  trx: Transaction<Database>,
  consents: ConsentRepository,
  calendar: WorkingCalendar,
  batch: WriteBatch,
): Promise<WriteOutcome[]> {
  await consents.lockBrandForWrite(trx, batch.brandId);
  const current = await consents.findCurrent(trx, batch.brandId, batch.consents);
  const stored = new Map<string, StoredConsent>(
    current.map((row) => [
      identityKey(row.recipient_key, row.recipient_type, row.type),
      {
        status: row.status as ConsentStatus,
        source: row.source as ConsentSource | null,
        consentDate: row.consent_date,
      },
    ]),
  );

  const events: NewConsentEvent[] = [];
  const outcomes = batch.consents.map((consent): WriteOutcome => {
    const decision = decideTransition({
      stored: stored.get(identityKey(consent.recipientKey, consent.recipientType, consent.type)) ?? null,
      input: consent,
      now: batch.receivedAt,
      activatedAt: batch.activatedAt,
      calendar,
    });
    if (!decision.ok) return decision;
    const event = {
      transaction_id: consent.transactionId,
      brand_id: batch.brandId,
      recipient_key: consent.recipientKey,
      recipient_type: consent.recipientType,
      type: consent.type,
      status: decision.next.status,
      source: decision.next.source,
      consent_date: decision.next.consentDate,
      creation_date: batch.now,
      retailer_code: consent.retailerCode,
      retailer_access: consent.retailerAccess,
      actor_kind: batch.actor.kind,
      actor_id: batch.actor.id,
    };
    events.push({ ...event, leaf_hash: leafHash(event) });
    return { ok: true, transactionId: consent.transactionId, creationDate: batch.now };
  });

  await consents.insertRecipients(
    trx,
    dedupeByKey(
      events.length === batch.consents.length
        ? batch.consents
        : batch.consents.filter((_, i) => outcomes[i]!.ok),
    ),
  );
  await consents.appendEvents(trx, events);
  return outcomes;
}

function identityKey(recipientKey: Buffer, recipientType: string, type: string): string {
  return `${recipientKey.toString('hex')}|${recipientType}|${type}`;
}

/** The same address may appear once per channel in a batch; it is one recipient row. */
function dedupeByKey(consents: SealedConsent[]) {
  const seen = new Map<
    string,
    { recipientKey: Buffer; addressEnc: Buffer; kind: SealedConsent['recipientKind'] }
  >();
  for (const c of consents) {
    const hex = c.recipientKey.toString('hex');
    if (!seen.has(hex))
      seen.set(hex, { recipientKey: c.recipientKey, addressEnc: c.addressEnc, kind: c.recipientKind });
  }
  return [...seen.values()];
}
