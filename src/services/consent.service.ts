import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import {
  CONSENT_TYPES,
  RECIPIENT_TYPES,
  SOURCE_FAMILIES,
  isOneOf,
  type ConsentInput,
  type ConsentType,
  type RecipientType,
} from '../domain/consent.js';
import { isPlainObject, parseConsentInput } from '../domain/consent-input.js';
import { IysRequestError, iysError, type IysErrorItem } from '../domain/iys-errors.js';
import { checkTypeMatchesRecipient, parseRecipient } from '../domain/recipient.js';
import type { ConsentRepository, ConsentRow } from '../repositories/consent.repository.js';
import {
  newTransactionId,
  type Actor,
  type NoticeQueue,
  type SealedConsent,
  type WriterDeps,
} from './consent-writer.js';
import { createSingleAddWriter } from './single-add-writer.js';
import { allowedChannels, requireChannelRight, type BrandScope } from './tenancy.service.js';

export const MAX_RECIPIENTS_PER_QUERY = 1000;
export const CHANGES_DEFAULT_LIMIT = 500;
export const CHANGES_MAX_LIMIT = 1000;
/** The changes feed covers the last 7 days, as İYS's does (without İYS's one-hour delay). */
export const CHANGES_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface ConsentView {
  recipient: string;
  recipientType: string;
  type: string;
  status: string;
  source: string | null;
  consentDate: Date;
  creationDate: Date;
  transactionId: string;
  retailerCode: number | null;
  retailerAccess: number[];
}

export interface ChangesPage {
  after: string | null;
  list: ConsentView[];
}

export interface ConsentServiceDeps {
  db: Kysely<Database>;
  /** Records which citizen-side movements a provider has pulled (transparency figures). */
  pulls: { recordFeedPull(brandId: number, upTo: { tx: string; id: string }, at: Date): Promise<unknown> };
  consents: ConsentRepository;
  writer: WriterDeps;
  notices: NoticeQueue;
  cipher: FieldCipher;
  clock?: () => Date;
}

/** A projection row or an event row (they share these columns) joined with its recipient's ciphertext. */
type PresentableRow = Pick<
  ConsentRow,
  | 'recipient_key'
  | 'recipient_type'
  | 'type'
  | 'status'
  | 'source'
  | 'consent_date'
  | 'creation_date'
  | 'transaction_id'
  | 'retailer_code'
  | 'retailer_access'
> & { address_enc: Buffer };

function sealConsent(cipher: FieldCipher, consent: ConsentInput, transactionId: string): SealedConsent {
  const { recipient, ...rest } = consent;
  return { ...rest, ...cipher.sealAddress(recipient), transactionId };
}

export function createConsentService({
  db,
  pulls,
  consents,
  writer,
  notices,
  cipher,
  clock = () => new Date(),
}: ConsentServiceDeps) {
  const singleAdds = createSingleAddWriter({ db, writer, clock });

  function present(row: PresentableRow): ConsentView {
    return {
      recipient: cipher.openAddress(row.recipient_key, row.address_enc),
      recipientType: row.recipient_type,
      type: row.type,
      status: row.status,
      source: row.source,
      consentDate: row.consent_date,
      creationDate: row.creation_date,
      transactionId: row.transaction_id,
      retailerCode: row.retailer_code,
      retailerAccess: row.retailer_access,
    };
  }

  return {
    /** Single add (İYS "tekil izin ekleme"): validates, applies the rules and records one event. */
    async addConsent(
      scope: BrandScope,
      actor: Actor,
      body: unknown,
    ): Promise<{ transactionId: string; creationDate: Date }> {
      const parsed = parseConsentInput(body);
      if (!parsed.ok) throw new IysRequestError(parsed.errors);
      requireChannelRight(scope, parsed.consent.type);
      const sealed = sealConsent(cipher, parsed.consent, newTransactionId());
      // Written with the brand's other adds of the moment, in one transaction (group commit).
      const { outcome, noticed } = await singleAdds.add(
        { id: scope.brand.id, activatedAt: scope.provider.activated_at },
        actor,
        sealed,
      );
      if (!outcome.ok) throw new IysRequestError(outcome.errors);
      if (noticed) await notices.wake();
      return { transactionId: outcome.transactionId, creationDate: outcome.creationDate };
    },

    /** Single status query; 404 H902 when no record exists for the identity. */
    async getConsentStatus(scope: BrandScope, body: unknown): Promise<ConsentView> {
      if (!isPlainObject(body)) throw IysRequestError.of('H097', { value: body });
      const errors: IysErrorItem[] = [];
      const recipient = parseRecipient(body.recipient);
      if (!recipient.ok) errors.push(recipient.error);
      if (body.recipientType === undefined) errors.push(iysError('H170', { location: ['recipientType'] }));
      else if (!isOneOf(RECIPIENT_TYPES, body.recipientType)) {
        errors.push(iysError('H116', { location: ['recipientType'], value: body.recipientType }));
      }
      if (body.type === undefined) errors.push(iysError('H111', { location: ['type'] }));
      else if (!isOneOf(CONSENT_TYPES, body.type))
        errors.push(iysError('H117', { location: ['type'], value: body.type }));
      for (const key of Object.keys(body)) {
        if (!['recipient', 'recipientType', 'type'].includes(key)) {
          errors.push(iysError('H118', { location: [key], vars: { field: key } }));
        }
      }
      if (errors.length > 0 || !recipient.ok) throw new IysRequestError(errors);
      requireChannelRight(scope, body.type as string);

      const row = await consents.findOne(scope.brand.id, {
        recipientKey: cipher.blindIndex(recipient.address),
        recipientType: body.recipientType as string,
        type: body.type as string,
      });
      if (!row) throw IysRequestError.of('H902', { location: ['recipient'], value: body.recipient });
      return present(row);
    },

    /** Multiple status query: which of up to 1000 recipients hold ONAY. Echoes the caller's spelling back. */
    async listApprovedRecipients(
      scope: BrandScope,
      recipientType: string,
      type: string,
      body: unknown,
    ): Promise<string[]> {
      if (!isOneOf(RECIPIENT_TYPES, recipientType)) {
        throw IysRequestError.of('H503', {
          location: ['recipientType'],
          value: recipientType,
          vars: { value: recipientType },
        });
      }
      if (!isOneOf(CONSENT_TYPES, type))
        throw IysRequestError.of('H450', { location: ['type'], value: type });
      requireChannelRight(scope, type);
      const list = isPlainObject(body) ? body.recipients : undefined;
      if (list === undefined || list === null || !Array.isArray(list)) {
        throw IysRequestError.of('H168', { location: ['recipients'] });
      }
      if (list.length === 0) throw IysRequestError.of('H164', { location: ['recipients'] });
      if (list.length > MAX_RECIPIENTS_PER_QUERY) {
        throw IysRequestError.of('H125', { location: ['recipients'], value: list.length });
      }

      const errors: IysErrorItem[] = [];
      const byKey = new Map<string, { key: Buffer; original: string }>();
      list.forEach((value, index) => {
        const location = ['recipients', index];
        const parsed = parseRecipient(value, location);
        if (!parsed.ok) return void errors.push(parsed.error);
        const mismatch = checkTypeMatchesRecipient(type as ConsentType, parsed.kind, parsed.address);
        if (mismatch) return void errors.push({ ...mismatch, location });
        const key = cipher.blindIndex(parsed.address);
        const hex = key.toString('hex');
        if (byKey.has(hex))
          return void errors.push(iysError('H193', { location, value, vars: { field: 'recipient' } }));
        byKey.set(hex, { key, original: value as string });
      });
      if (errors.length > 0) throw new IysRequestError(errors);

      const approved = await consents.findKeysWithStatus(
        scope.brand.id,
        recipientType as RecipientType,
        type,
        'ONAY',
        [...byKey.values()].map((entry) => entry.key),
      );
      const approvedHex = new Set(approved.map((key) => key.toString('hex')));
      return [...byKey.entries()].filter(([hex]) => approvedHex.has(hex)).map(([, entry]) => entry.original);
    },

    /**
     * The changes feed: a brand's movements of the last 7 days from one source family, oldest first. The
     * cursor is İYS's `<epochMillis>_<transactionId>` of the last movement returned.
     */
    async listChanges(
      scope: BrandScope,
      query: { source?: unknown; after?: unknown; limit?: unknown },
    ): Promise<ChangesPage> {
      const source = query.source ?? 'HS';
      if (!isOneOf(SOURCE_FAMILIES, source))
        throw IysRequestError.of('H098', { location: ['source'], value: source });

      let limit = CHANGES_DEFAULT_LIMIT;
      if (query.limit !== undefined && query.limit !== '') {
        if (typeof query.limit !== 'string' || !/^\d+$/.test(query.limit)) {
          throw IysRequestError.of('H183', { location: ['limit'], value: query.limit });
        }
        limit = Number(query.limit);
        if (limit === 0) throw IysRequestError.of('H187', { location: ['limit'], value: query.limit });
        if (limit > CHANGES_MAX_LIMIT)
          throw IysRequestError.of('H183', { location: ['limit'], value: query.limit });
      }

      let position: { tx: string; id: string } | null = null;
      const after = query.after === '' ? undefined : query.after;
      if (after !== undefined) {
        const match = typeof after === 'string' ? /^\d{1,15}_([0-9a-f]{64})$/.exec(after) : null;
        const found = match ? await consents.findFeedPosition(scope.brand.id, match[1]!) : undefined;
        if (!found) throw IysRequestError.of('H098', { location: ['after'], value: after });
        position = found;
      }

      const rows = await consents.listEventsAfter({
        brandId: scope.brand.id,
        after: position,
        since: new Date(clock().getTime() - CHANGES_WINDOW_MS),
        registrySources: source === 'IYS',
        types: allowedChannels(scope),
        limit,
      });
      const list = rows.map(present);
      if (source === 'IYS' && rows.length > 0)
        await pulls.recordFeedPull(scope.brand.id, rows.at(-1)!, clock());
      const last = list.at(-1);
      return {
        after: last
          ? `${last.creationDate.getTime()}_${last.transactionId}`
          : ((after as string | undefined) ?? null),
        list,
      };
    },
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
