import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { hashSecret as hashToken } from '../crypto/secret-hash.js';
import type { Database } from '../db/types.js';
import {
  CONSENT_STATUSES,
  CONSENT_TYPES,
  RECIPIENT_TYPES,
  isOneOf,
  type ConsentSource,
  type ConsentStatus,
  type ConsentType,
  type RecipientKind,
  type RecipientType,
} from '../domain/consent.js';
import { IysRequestError, iysError } from '../domain/iys-errors.js';
import { normaliseTypedPhone, parseRecipient } from '../domain/recipient.js';
import type { CitizenRepository } from '../repositories/citizen.repository.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import {
  lockForWrite,
  newTransactionId,
  writeConsents,
  type SealedConsent,
  type WriterDeps,
} from './consent-writer.js';
import type { AbuseGuard } from './abuse-guard.service.js';
import type { IdentityProvider } from './identity.service.js';

export const SESSION_TTL_MS = 8 * 3600_000;

export interface CitizenSession {
  citizenId: string;
  csrfToken: string;
}

export interface CitizenAddress {
  id: string;
  address: string;
  kind: RecipientKind;
  verifiedAt: Date;
}

export interface CitizenConsent {
  addressId: string;
  brandCode: number;
  brandName: string;
  company: string;
  recipientType: string;
  type: string;
  status: string;
  source: string | null;
  consentDate: Date;
  lastChange: Date;
  /** The last movement's: its transparency-log receipt is asked for by it. */
  transactionId: string;
}

export interface ConsentChange {
  addressId: unknown;
  brandCode: unknown;
  recipientType: unknown;
  type: unknown;
  status: unknown;
}

/**
 * The citizen's side of the registry: sign-in with a one-time code, the addresses they have proven, every
 * consent any company holds for them, and changes made through the registry (source IYS_WEB), which
 * providers see at once in their changes feed.
 */
export function createCitizenService(deps: {
  db: Kysely<Database>;
  citizens: CitizenRepository;
  consents: ConsentRepository;
  writer: WriterDeps;
  identity: IdentityProvider;
  guard: AbuseGuard;
  cipher: FieldCipher;
  clock?: () => Date;
}) {
  const { db, citizens, consents, writer, identity, guard, cipher, clock = () => new Date() } = deps;

  function parseAddress(value: unknown) {
    const parsed = parseRecipient(normaliseTypedPhone(value), ['address']);
    if (!parsed.ok) throw new IysRequestError([parsed.error]);
    return parsed;
  }

  async function addressesOf(
    citizenId: string,
  ): Promise<Array<CitizenAddress & { recipientKey: Buffer; addressEnc: Buffer }>> {
    const rows = await citizens.listAddresses(citizenId);
    return rows.map((row) => ({
      id: row.recipient_key.toString('hex'),
      recipientKey: row.recipient_key,
      addressEnc: row.address_enc,
      address: cipher.openAddress(row.recipient_key, row.address_enc),
      kind: row.kind,
      verifiedAt: row.verified_at,
    }));
  }

  /** One of the citizen's own verified addresses, or H918: nobody reads or changes someone else's. */
  async function ownAddress(citizenId: string, addressId: unknown) {
    const found = (await addressesOf(citizenId)).find((a) => a.id === addressId);
    if (!found) throw IysRequestError.of('H918', { location: ['addressId'] });
    return found;
  }

  async function openSession(citizenId: string): Promise<CitizenSession & { sessionToken: string }> {
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(16).toString('base64url');
    await citizens.insertSession({
      token_hash: hashToken(sessionToken),
      citizen_id: citizenId,
      csrf_token: csrfToken,
      expires_at: new Date(clock().getTime() + SESSION_TTL_MS),
    });
    return { sessionToken, csrfToken, citizenId };
  }

  /** Writes citizen movements (IYS_* source) for consents of one address, in one transaction; their event ids. */
  async function recordCitizenChanges(
    address: { recipientKey: Buffer; addressEnc: Buffer; kind: RecipientKind },
    changes: Array<{
      brandId: number;
      recipientType: RecipientType;
      type: ConsentType;
      status: ConsentStatus;
      expectedLastEventId?: string;
    }>,
    source: ConsentSource,
    actorId: string | null,
  ): Promise<string[]> {
    const now = clock();
    const byBrand = [...new Set(changes.map((c) => c.brandId))].sort((a, b) => a - b);
    return db.transaction().execute(async (trx) => {
      // Every brand's lock before the first write (see lockForWrite).
      const lock = await lockForWrite(
        trx,
        writer,
        byBrand.map((brandId) => ({ brandId, recipientKeys: [address.recipientKey] })),
      );
      const applied: string[] = [];
      for (const brandId of byBrand) {
        const batch: SealedConsent[] = changes
          .filter((c) => c.brandId === brandId)
          .map((c) => ({
            recipientKey: address.recipientKey,
            addressEnc: address.addressEnc,
            recipientKind: address.kind,
            recipientType: c.recipientType,
            type: c.type,
            status: c.status,
            source,
            consentDate: now,
            retailerCode: null,
            retailerAccess: [],
            transactionId: newTransactionId(),
            expectedLastEventId: c.expectedLastEventId,
          }));
        const { outcomes, eventIds } = await writeConsents(trx, writer, lock, {
          brandId,
          activatedAt: now,
          receivedAt: now,
          now,
          actor: { kind: 'citizen', id: actorId },
          consents: batch,
          withEventIds: true,
        });
        const refused = outcomes.find((o) => !o.ok);
        if (refused && !refused.ok) throw new IysRequestError(refused.errors);
        applied.push(...batch.map((consent) => eventIds!.get(consent.transactionId)!));
      }
      return applied;
    });
  }

  return {
    recordCitizenChanges,

    async startSignIn(address: unknown, clientAddress: string) {
      const parsed = parseAddress(address);
      await guard.codeForCitizen(clientAddress);
      return identity.startVerification({
        address: parsed.address,
        kind: parsed.kind,
        purpose: 'sign-in',
        citizenId: null,
      });
    },

    /** Completes sign-in; an address nobody has verified yet opens a new account. */
    async completeSignIn(challengeId: unknown, code: unknown) {
      const verified = await identity.completeVerification(String(challengeId ?? ''), String(code ?? ''));
      if (verified.purpose !== 'sign-in') throw IysRequestError.of('H910', { location: ['challengeId'] });
      let citizenId = await citizens.findCitizenByAddress(verified.recipientKey);
      if (!citizenId) {
        const id = randomUUID();
        await db.transaction().execute(async (trx) => {
          await citizens.insertCitizen(trx, id);
          await citizens.addAddress(trx, id, verified.recipientKey, clock());
        });
        citizenId = id;
      }
      return openSession(citizenId);
    },

    /**
     * Sign-in through the identity provider (OpenID Connect): the identity's account, opened on its first
     * visit, with every address the provider proved linked as verified (no code is sent for them).
     */
    async signInWithIdentity(identityHash: Buffer, proven: Array<{ address: string; kind: RecipientKind }>) {
      const now = clock();
      const citizenId = await db.transaction().execute(async (trx) => {
        const id = await citizens.accountOfIdentity(trx, identityHash, randomUUID());
        const sealed = proven.map((p) => ({ ...cipher.sealAddress(p.address), kind: p.kind }));
        await consents.insertRecipients(trx, sealed);
        for (const address of sealed) await citizens.addAddress(trx, id, address.recipientKey, now);
        return id;
      });
      return openSession(citizenId);
    },

    async authenticate(sessionToken: string): Promise<CitizenSession | undefined> {
      const session = await citizens.findSession(hashToken(sessionToken), clock());
      return session ? { citizenId: session.citizen_id, csrfToken: session.csrf_token } : undefined;
    },

    signOut: (sessionToken: string) => citizens.deleteSession(hashToken(sessionToken)),

    async startAddAddress(citizenId: string, address: unknown, clientAddress: string) {
      const parsed = parseAddress(address);
      await guard.codeForCitizen(clientAddress);
      return identity.startVerification({
        address: parsed.address,
        kind: parsed.kind,
        purpose: 'add-address',
        citizenId,
      });
    },

    async completeAddAddress(
      citizenId: string,
      challengeId: unknown,
      code: unknown,
    ): Promise<CitizenAddress> {
      const verified = await identity.completeVerification(String(challengeId ?? ''), String(code ?? ''));
      if (verified.purpose !== 'add-address' || verified.citizenId !== citizenId) {
        throw IysRequestError.of('H910', { location: ['challengeId'] });
      }
      await citizens.addAddress(db, citizenId, verified.recipientKey, clock());
      const {
        recipientKey: _k,
        addressEnc: _e,
        ...added
      } = await ownAddress(citizenId, verified.recipientKey.toString('hex'));
      return added;
    },

    async removeAddress(citizenId: string, addressId: string): Promise<void> {
      const address = await ownAddress(citizenId, addressId);
      await citizens.removeAddress(citizenId, address.recipientKey);
    },

    async listAddresses(citizenId: string): Promise<CitizenAddress[]> {
      return (await addressesOf(citizenId)).map(
        ({ recipientKey: _k, addressEnc: _e, ...address }) => address,
      );
    },

    async listConsents(citizenId: string): Promise<CitizenConsent[]> {
      const addresses = await addressesOf(citizenId);
      const rows = await consents.listForRecipients(addresses.map((a) => a.recipientKey));
      return rows.map((row) => ({
        addressId: row.recipient_key.toString('hex'),
        brandCode: row.brand_code,
        brandName: row.brand_name,
        company: row.company,
        recipientType: row.recipient_type,
        type: row.type,
        status: row.status,
        source: row.source,
        consentDate: row.consent_date,
        lastChange: row.creation_date,
        transactionId: row.transaction_id,
      }));
    },

    /** The movements of one of the citizen's addresses, optionally for one brand and channel. */
    async history(citizenId: string, addressId: unknown, filter: { brandCode?: number; type?: string } = {}) {
      const address = await ownAddress(citizenId, addressId);
      const events = await consents.listEventsForRecipient(address.recipientKey, { type: filter.type });
      return events
        .filter((e) => filter.brandCode === undefined || e.brand_code === filter.brandCode)
        .map((e) => ({
          brandCode: e.brand_code,
          brandName: e.brand_name,
          recipientType: e.recipient_type,
          type: e.type,
          status: e.status,
          source: e.source,
          consentDate: e.consent_date,
          creationDate: e.creation_date,
          transactionId: e.transaction_id,
        }));
    },

    /** ONAY ↔ RET on one consent, recorded with source IYS_WEB and the citizen as actor. */
    async changeConsent(citizenId: string, change: ConsentChange): Promise<void> {
      const errors = [];
      if (!isOneOf(RECIPIENT_TYPES, change.recipientType))
        errors.push(iysError('H116', { location: ['recipientType'], value: change.recipientType }));
      if (!isOneOf(CONSENT_TYPES, change.type))
        errors.push(iysError('H117', { location: ['type'], value: change.type }));
      if (!isOneOf(CONSENT_STATUSES, change.status))
        errors.push(iysError('H115', { location: ['status'], value: change.status }));
      if (typeof change.brandCode !== 'number' || !Number.isInteger(change.brandCode)) {
        errors.push(iysError('H923', { location: ['brandCode'], value: change.brandCode }));
      }
      if (errors.length > 0) throw new IysRequestError(errors);
      const address = await ownAddress(citizenId, change.addressId);
      const held = (await consents.listForRecipients([address.recipientKey])).find(
        (c) =>
          c.brand_code === change.brandCode &&
          c.recipient_type === change.recipientType &&
          c.type === change.type,
      );
      if (!held) throw IysRequestError.of('H919');
      await recordCitizenChanges(
        address,
        [
          {
            brandId: held.brand_id,
            recipientType: held.recipient_type as RecipientType,
            type: held.type as ConsentType,
            status: change.status as ConsentStatus,
          },
        ],
        'IYS_WEB',
        citizenId,
      );
    },

    /** RET for every ONAY held for one address on one channel, across all brands. */
    async rejectAll(citizenId: string, addressId: unknown, type: unknown): Promise<number> {
      if (!isOneOf(CONSENT_TYPES, type))
        throw IysRequestError.of('H117', { location: ['type'], value: type });
      const address = await ownAddress(citizenId, addressId);
      const held = (await consents.listForRecipients([address.recipientKey])).filter(
        (c) => c.type === type && c.status === 'ONAY',
      );
      if (held.length === 0) return 0;
      const eventIds = await recordCitizenChanges(
        address,
        held.map((c) => ({
          brandId: c.brand_id,
          recipientType: c.recipient_type as RecipientType,
          type,
          status: 'RET' as const,
        })),
        'IYS_WEB',
        citizenId,
      );
      return eventIds.length;
    },
  };
}

export type CitizenService = ReturnType<typeof createCitizenService>;
