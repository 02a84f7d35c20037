import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { leafHash } from '../crypto/event-hash.js';
import { isDataRefusal } from '../db/errors.js';
import type { Database } from '../db/types.js';
import type { WorkingCalendar } from '../domain/business-days.js';
import type { ConsentInput, ConsentSource, ConsentStatus, StoredConsent } from '../domain/consent.js';
import { decideTransition, isHistorical } from '../domain/consent-rules.js';
import { iysError, type IysErrorItem } from '../domain/iys-errors.js';
import { laneOf } from '../domain/write-lanes.js';
import type { ConsentRepository, CurrentState, NewConsentEvent } from '../repositories/consent.repository.js';
import type { RetailerRepository } from '../repositories/retailer.repository.js';
import type { WebhookRepository } from '../repositories/webhook.repository.js';

/** A validated consent whose address has already been turned into a blind index and a ciphertext. */
export interface SealedConsent extends Omit<ConsentInput, 'recipient' | 'recipientKind'> {
  recipientKey: Buffer;
  addressEnc: Buffer;
  recipientKind: ConsentInput['recipientKind'];
  transactionId: string;
  /** Apply only if this is still the identity's last event (a short link acts on the ONAY it was sent for). */
  expectedLastEventId?: string;
  /** When a batch joins several requests: this record's own receipt time and actor id. */
  receivedAt?: Date;
  actorId?: string;
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
  /**
   * A migration of the company's past records (an upload marked so): it must send no one a message, so an
   * ONAY that would notify its recipient (one not isHistorical) is refused with H981 instead of applied.
   */
  pastOnly?: boolean;
  /** The caller needs each written event's id (a citizen's receipts): WriteResult.eventIds. */
  withEventIds?: boolean;
}

export { newTransactionId } from '../crypto/transaction-id.js';

export interface WriterDeps {
  consents: ConsentRepository;
  retailers: RetailerRepository;
  webhooks: WebhookRepository;
  calendar: WorkingCalendar;
}

/** Wakes the notice dispatcher after a transaction that queued notices has committed. */
export interface NoticeQueue {
  wake(): Promise<void>;
}

export interface WriteResult {
  outcomes: WriteOutcome[];
  /** ONAYs recorded by a provider for individuals: the recipient is to be told (see notification service). */
  notices: number;
  /** The appended events' ids by transaction id, when the batch asked for them (withEventIds). */
  eventIds: ReadonlyMap<string, string> | undefined;
}

/** Proof that a transaction holds the write locks of some brands' lanes (see lockForWrite). */
export interface WriteLock {
  readonly held: ReadonlySet<string>;
  /** Brands the regulator has blocked: they take no new ONAY. */
  readonly blocked: ReadonlySet<number>;
}

/**
 * Takes the write locks a transaction needs to write these consents, before it writes anything (see
 * ConsentRepository.lockForWrite for why the order matters). Every write of consents goes through one.
 */
export async function lockForWrite(
  trx: Transaction<Database>,
  deps: Pick<WriterDeps, 'consents'>,
  targets: Array<{ brandId: number; recipientKeys: Buffer[] }>,
): Promise<WriteLock> {
  const held = new Map<string, { brandId: number; lane: number }>();
  for (const { brandId, recipientKeys } of targets)
    for (const key of recipientKeys) {
      const lane = laneOf(key);
      held.set(`${brandId}:${lane}`, { brandId, lane });
    }
  const blocked = await deps.consents.lockForWrite(trx, [...held.values()]);
  return { held: new Set(held.keys()), blocked };
}

/**
 * Applies a batch of consents of one brand inside the caller's transaction, which holds their write
 * locks: reads the current state of every identity in one query, decides each record with the pure rules,
 * and appends all accepted events (moving the projection) in one statement. Identities must be unique
 * within a batch (H194 guarantees it for requests).
 */
export async function writeConsents(
  trx: Transaction<Database>,
  deps: WriterDeps,
  lock: WriteLock,
  batch: WriteBatch,
): Promise<WriteResult> {
  const { consents, retailers, webhooks, calendar } = deps;
  for (const consent of batch.consents)
    if (!lock.held.has(`${batch.brandId}:${laneOf(consent.recipientKey)}`))
      throw new Error('writeConsents without the write lock of a consent it writes');
  const blocked = lock.blocked.has(batch.brandId);
  const namedRetailers = retailerCodesOf(batch.consents);
  const knownRetailers =
    namedRetailers.length > 0
      ? await retailers.findExistingCodes(trx, batch.brandId, namedRetailers)
      : new Set<number>();
  // In the batch's order: identities are unique within a batch, so position is identity.
  const current = await consents.findCurrent(trx, batch.brandId, batch.consents);

  const events: NewConsentEvent[] = [];
  const written: SealedConsent[] = [];
  const outcomes = batch.consents.map((consent, i): WriteOutcome => {
    const held = storedOf(current[i]);
    if (consent.expectedLastEventId !== undefined && held?.lastEventId !== consent.expectedLastEventId) {
      return { ok: false, errors: [iysError('H921')] };
    }
    // A blocked brand takes no new ONAY; refusals (RET) are always recorded.
    if (blocked && consent.status === 'ONAY') return { ok: false, errors: [iysError('H984')] };
    const unknownRetailers = unknownRetailerErrors(consent, knownRetailers);
    if (unknownRetailers.length > 0) return { ok: false, errors: unknownRetailers };
    const decision = decideTransition({
      stored: held,
      input: consent,
      now: consent.receivedAt ?? batch.receivedAt,
      activatedAt: batch.activatedAt,
      calendar,
    });
    if (!decision.ok) return decision;
    if (batch.pastOnly && notifies(batch, decision.next, consent.recipientType))
      return { ok: false, errors: [iysError('H981')] };
    const event: NewConsentEvent = {
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
      actor_id: consent.actorId ?? batch.actor.id,
      leaf_hash: EMPTY,
    };
    event.leaf_hash = leafHash(event);
    events.push(event);
    written.push(consent);
    return { ok: true, transactionId: consent.transactionId, creationDate: batch.now };
  });

  // An address named on several channels is one recipient row: the insert keeps the first and skips the rest.
  await consents.insertRecipients(
    trx,
    written.map((c) => ({ recipientKey: c.recipientKey, addressEnc: c.addressEnc, kind: c.recipientKind })),
  );
  // Each endpoint of the brand gets a delivery of every event, committed with it (at-least-once).
  const hooks = events.length > 0 ? await webhooks.activeWebhookIds(trx, batch.brandId) : [];
  const withIds = batch.withEventIds === true || hooks.length > 0;
  const appendedIds = await consents.appendEvents(trx, events, withIds);
  await webhooks.insertDeliveries(
    trx,
    hooks.flatMap((webhookId) =>
      events.map((e) => ({
        id: randomUUID(),
        webhook_id: webhookId,
        event_id: appendedIds!.get(e.transaction_id)!,
        created_at: batch.now,
      })),
    ),
  );
  if (namedRetailers.length > 0) await retailers.markLinked(trx, batch.brandId, retailerCodesOf(written));

  const notices = events.filter((e) =>
    notifies(batch, { status: e.status, source: e.source, consentDate: e.consent_date }, e.recipient_type),
  ).length;
  return { outcomes, notices, eventIds: batch.withEventIds ? appendedIds : undefined };
}

/** What writes a batch in the caller's transaction: writeConsents, or writeOneByOne after a refusal. */
export type BatchWriter = typeof writeConsents;

/**
 * Runs `apply` — a transaction of the caller's that writes a batch with the writer it is given, and records
 * its own progress — with writeConsents. If the database refuses the batch's data itself (isDataRefusal: a
 * value out of its range, a broken constraint), tells `refused` and runs it again with writeOneByOne, so one
 * record that cannot be kept (one accepted by an older version, say) does not fail the work at every retry
 * and hold what comes after it. Bulk lanes and upload lane parts both go through here.
 */
export async function withRefusalsOneByOne<T>(
  apply: (write: BatchWriter) => Promise<T>,
  refused: (error: unknown) => void,
): Promise<T> {
  try {
    return await apply(writeConsents);
  } catch (error) {
    if (!isDataRefusal(error)) throw error;
    refused(error);
    return apply(writeOneByOne);
  }
}

/**
 * writeConsents, one consent at a time, each under a savepoint, in the caller's transaction: a consent the
 * database still refuses gets H923 as its outcome and the others are written (see withRefusalsOneByOne).
 */
export async function writeOneByOne(
  trx: Transaction<Database>,
  deps: WriterDeps,
  lock: WriteLock,
  batch: WriteBatch,
): Promise<WriteResult> {
  const result: WriteResult = {
    outcomes: [],
    notices: 0,
    eventIds: batch.withEventIds ? new Map() : undefined,
  };
  for (const consent of batch.consents) {
    await sql`SAVEPOINT one_consent`.execute(trx);
    try {
      const written = await writeConsents(trx, deps, lock, { ...batch, consents: [consent] });
      await sql`RELEASE SAVEPOINT one_consent`.execute(trx);
      result.outcomes.push(written.outcomes[0]!);
      result.notices += written.notices;
      for (const [transactionId, eventId] of written.eventIds ?? [])
        (result.eventIds as Map<string, string>).set(transactionId, eventId);
    } catch (error) {
      if (!isDataRefusal(error)) throw error;
      await sql`ROLLBACK TO SAVEPOINT one_consent`.execute(trx);
      result.outcomes.push({ ok: false, errors: [iysError('H923')] });
    }
  }
  return result;
}

/**
 * Individuals are told when a company records an ONAY for them, and can refuse from that message; not for
 * a record of the company's past (isHistorical), which they still see in the portal. The notice is read
 * from the log later (notification service); the writer only counts them, to wake the dispatcher.
 */
function notifies(
  batch: WriteBatch,
  next: { status: string; source: string | null; consentDate: Date },
  recipientType: string,
): boolean {
  return (
    batch.actor.kind === 'provider' &&
    next.status === 'ONAY' &&
    recipientType === 'BIREYSEL' &&
    !isHistorical(next, batch.activatedAt)
  );
}

/** Every retailer a batch names, as mediator or in an access list: checked with one query. */
function retailerCodesOf(consents: SealedConsent[]): number[] {
  const codes = new Set<number>();
  for (const c of consents) {
    if (c.retailerCode !== null) codes.add(c.retailerCode);
    for (const code of c.retailerAccess) codes.add(code);
  }
  return [...codes];
}

/** H180 for each retailer code the brand does not have, at its place in the record (iys-api.md §3.5). */
function unknownRetailerErrors(consent: SealedConsent, known: Set<number>): IysErrorItem[] {
  const errors: IysErrorItem[] = [];
  const unknown = (code: number, location: (string | number)[]) =>
    errors.push(iysError('H180', { location, value: code, vars: { retailerCode: String(code) } }));
  if (consent.retailerCode !== null && !known.has(consent.retailerCode))
    unknown(consent.retailerCode, ['retailerCode']);
  consent.retailerAccess.forEach(
    (code, index) => known.has(code) || unknown(code, ['retailerAccess', index]),
  );
  return errors;
}

/** One person on one channel of a brand, as a string: a batch holds each at most once. */
export function identityKey(recipientKey: Buffer, recipientType: string, type: string): string {
  return `${recipientKey.toString('hex')}|${recipientType}|${type}`;
}

/** An event's leaf hash until it is computed, so the object keeps one shape from its creation. */
const EMPTY = Buffer.alloc(0);

/** The rules' view of a stored consent. */
function storedOf(row: CurrentState | undefined): (StoredConsent & { lastEventId: string }) | null {
  if (!row) return null;
  return {
    status: row.status as ConsentStatus,
    source: row.source as ConsentSource | null,
    consentDate: row.consent_date,
    lastEventId: row.last_event_id,
  };
}
