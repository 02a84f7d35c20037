import type { FieldCipher } from '../crypto/field-cipher.js';
import type { TokenSigner } from '../crypto/signed-token.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { ReceiptEvent } from '../repositories/transparency-log.repository.js';
import type { CitizenService } from './citizen.service.js';
import { maskAddress } from './short-link.service.js';
import type { LogReceipt, ReceiptAnswer, TransparencyLogService } from './transparency-log.service.js';

export const RECEIPT_LINK_PURPOSE = 'receipt';
/** A withdrawal receipt's link outlives any dispute about the refusal it proves (KVKK keeps 3 years). */
const RECEIPT_LINK_TTL_MS = 5 * 366 * 24 * 3600_000;

/**
 * An ISO/IEC TS 27560-style consent record: who (masked), which company, brand and channel, what was
 * decided and when, from which source, and where the proof is. Beside the receipt it says in words what the
 * receipt's hashes prove.
 */
export interface ConsentRecord {
  schema: 'openiys/consent-record/v1 (ISO/IEC TS 27560:2023 profile)';
  recordId: string;
  piiPrincipal: { address: string; recipientType: string };
  piiController: { name: string; brand: string; brandCode: number };
  purpose: string;
  channel: string;
  status: string;
  state: 'given' | 'withdrawn';
  consentDate: string;
  recordedAt: string;
  source: string | null;
  recordedBy: string;
  proof: { log: string; leafIndex: number; treeSize: number; signedAt: string };
}

export interface CitizenReceipt {
  receipt: LogReceipt;
  record: ConsentRecord;
}

export type CitizenReceiptAnswer =
  { ready: true; body: CitizenReceipt } | { ready: false; retryAfterSeconds: number };

const PURPOSE =
  'Ticari elektronik ileti gönderimi (6563 sayılı Kanun; Ticari İletişim ve Ticari Elektronik İletiler Hakkında Yönetmelik)';

/**
 * Receipts for citizens: every movement of their own addresses, and — by a signed link sent in the
 * confirmation of a refusal — the withdrawal receipt that proves they refused, and when, without signing in.
 */
export function createCitizenReceiptsService(deps: {
  transparencyLog: TransparencyLogService;
  consents: ConsentRepository;
  providers: ProviderRepository;
  cipher: FieldCipher;
  citizens: Pick<CitizenService, 'listAddresses'>;
  signer: TokenSigner;
  publicUrl: string;
  clock?: () => Date;
}) {
  const {
    transparencyLog,
    consents,
    providers,
    cipher,
    citizens,
    signer,
    publicUrl,
    clock = () => new Date(),
  } = deps;

  async function recordOf(event: ReceiptEvent, receipt: LogReceipt, address: string): Promise<ConsentRecord> {
    const brand = await providers.findBrandById(event.brand_id);
    return {
      schema: 'openiys/consent-record/v1 (ISO/IEC TS 27560:2023 profile)',
      recordId: event.transaction_id,
      piiPrincipal: { address: maskAddress(address), recipientType: event.recipient_type },
      piiController: {
        name: brand?.company ?? '',
        brand: brand?.name ?? '',
        brandCode: brand?.brand_code ?? 0,
      },
      purpose: PURPOSE,
      channel: event.type,
      status: event.status,
      state: event.status === 'ONAY' ? 'given' : 'withdrawn',
      consentDate: event.consent_date.toISOString(),
      recordedAt: event.creation_date.toISOString(),
      source: event.source,
      recordedBy: event.actor_kind,
      proof: {
        log: `${publicUrl}/log/v1`,
        leafIndex: receipt.leafIndex,
        treeSize: receipt.treeSize,
        signedAt: new Date(receipt.sth.timestamp).toISOString(),
      },
    };
  }

  async function present(answer: ReceiptAnswer, address: string): Promise<CitizenReceiptAnswer> {
    if (!answer.ready) return { ready: false, retryAfterSeconds: answer.retryAfterSeconds };
    return {
      ready: true,
      body: { receipt: answer.receipt, record: await recordOf(answer.event, answer.receipt, address) },
    };
  }

  async function addressOf(event: ReceiptEvent): Promise<string> {
    const held = await consents.findOne(event.brand_id, {
      recipientKey: event.recipient_key,
      recipientType: event.recipient_type,
      type: event.type,
    });
    return held ? cipher.openAddress(held.recipient_key, held.address_enc) : '';
  }

  return {
    /** A receipt for one movement of the citizen's own addresses (H989 for anyone else's). */
    async forCitizen(citizenId: string, transactionId: string): Promise<CitizenReceiptAnswer> {
      const notFound = IysRequestError.of('H989', { location: ['transactionId'], value: transactionId });
      const answer = await transparencyLog.receiptForTransaction(transactionId);
      const own = answer
        ? (await citizens.listAddresses(citizenId)).find(
            (a) => a.id === answer.event.recipient_key.toString('hex'),
          )
        : undefined;
      if (!answer || !own) throw notFound;
      return present(answer, own.address);
    },

    /** The link to the receipts of some events (a refusal's confirmation carries it). */
    linkFor(eventIds: string[]): string {
      const token = signer.sign(
        RECEIPT_LINK_PURPOSE,
        { e: eventIds.join(',') },
        new Date(clock().getTime() + RECEIPT_LINK_TTL_MS),
      );
      return `${publicUrl}/makbuz/${token}`;
    },

    /** The receipts behind a link; those not yet in a signed head are counted as pending. */
    async byLink(token: string): Promise<{ receipts: CitizenReceipt[]; pending: number }> {
      const payload = signer.verify(RECEIPT_LINK_PURPOSE, token, clock());
      const ids = typeof payload?.e === 'string' ? payload.e.split(',') : [];
      if (ids.length === 0 || ids.some((id) => !/^\d{1,19}$/.test(id))) throw IysRequestError.of('H990');
      const receipts: CitizenReceipt[] = [];
      let pending = 0;
      for (const id of ids) {
        const answer = await transparencyLog.receiptForEvent(id);
        if (!answer) continue;
        const presented = await present(answer, await addressOf(answer.event));
        if (presented.ready) receipts.push(presented.body);
        else pending++;
      }
      if (receipts.length === 0 && pending === 0) throw IysRequestError.of('H990');
      return { receipts, pending };
    },
  };
}

export type CitizenReceiptsService = ReturnType<typeof createCitizenReceiptsService>;
