import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { businessDeadline, type WorkingCalendar } from '../domain/business-days.js';
import { prescreenComplaint, VERDICTS, type EvidenceEvent } from '../domain/complaint-verdict.js';
import { CONSENT_TYPES, isOneOf, type ConsentStatus, type RecipientType } from '../domain/consent.js';
import { IysRequestError, iysError, type IysErrorItem } from '../domain/iys-errors.js';
import { checkTypeMatchesRecipient } from '../domain/recipient.js';
import { REGISTRY_EPOCH } from '../domain/consent-rules.js';
import { isProvinceCode } from '../domain/provinces.js';
import { formatDeadline, parseWireDate } from '../domain/wire-date.js';
import type { CompanyMail } from './company-mail.js';
import type { CitizenRepository } from '../repositories/citizen.repository.js';
import type { ComplaintFilter, ComplaintRepository } from '../repositories/complaint.repository.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';

export const MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;
export const MAX_MESSAGE_CHARS = 2000;

export interface ComplaintInput {
  addressId: unknown;
  brandCode: unknown;
  type: unknown;
  receivedAt: unknown;
  messageText: unknown;
  /** The citizen's province (plate code), optional. */
  province?: unknown;
  screenshot?: { data: Buffer; declaredType: string } | undefined;
}

/** The image type from the file's first bytes; the declared type and file name are not trusted. */
export function sniffImageType(data: Buffer): 'image/png' | 'image/jpeg' | null {
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return null;
}

/**
 * Complaints (şikayet) about commercial messages. The registry attaches its own evidence when a complaint is
 * filed: the full history of the consent concerned and what was in force when the message arrived, with a
 * pre-screen verdict. The citizen's account and screenshot are stored encrypted.
 */
/** What a complaint's encrypted fields are bound to: the complaint and the field, so none is moved. */
export const complaintAad = (id: string, field: string) => Buffer.from(`complaint:${id}:${field}`);

/** The company's time to answer a complaint, in business days, unless the registry sets another. */
export const DEFAULT_ANSWER_BUSINESS_DAYS = 10;

export function createComplaintService(deps: {
  complaints: ComplaintRepository;
  citizens: CitizenRepository;
  consents: ConsentRepository;
  providers: ProviderRepository;
  cipher: FieldCipher;
  calendar: WorkingCalendar;
  /** Business days the company has to answer (OPENIYS_COMPLAINT_ANSWER_DAYS). */
  answerBusinessDays?: number;
  /** Tells the company a complaint names its brand (never fails the filing). */
  notifyCompany?: CompanyMail;
  publicUrl?: string;
  clock?: () => Date;
}) {
  const { complaints, citizens, consents, providers, cipher, calendar, clock = () => new Date() } = deps;
  const answerDays = deps.answerBusinessDays ?? DEFAULT_ANSWER_BUSINESS_DAYS;
  const aad = complaintAad;

  type Row = Awaited<ReturnType<ComplaintRepository['listForCitizen']>>[number];
  /** Complaints as their readers see them: the citizen's text, the regulator's note, the replies between. */
  async function presentAll(rows: Row[]) {
    const replies = await complaints.listReplies(rows.map((row) => row.id));
    return rows.map((row) => ({
      ...present(row),
      decisionNote: row.decision_note_enc
        ? cipher.decrypt(row.decision_note_enc, aad(row.id, 'decision'))
        : null,
      decidedAt: row.decided_at,
      replies: replies
        .filter((reply) => reply.complaint_id === row.id)
        .map((reply) => ({
          text: cipher.decrypt(reply.text_enc, aad(row.id, 'reply')),
          at: reply.created_at,
        })),
    }));
  }

  function present(row: Row) {
    return {
      id: row.id,
      brandCode: row.brand_code,
      brandName: row.brand_name,
      company: row.company,
      iysCode: row.iys_code,
      type: row.type,
      receivedAt: row.received_at,
      messageText: cipher.decrypt(row.message_enc, aad(row.id, 'message')),
      hasScreenshot: row.screenshot_enc !== null,
      verdict: row.verdict,
      status: row.status,
      province: row.province,
      evidence: row.evidence,
      createdAt: row.created_at,
      brandId: row.brand_id,
      answerDueAt: row.answer_due_at,
    };
  }

  return {
    async file(citizenId: string, input: ComplaintInput) {
      const errors: IysErrorItem[] = [];
      const addresses = await citizens.listAddresses(citizenId);
      const address = addresses.find((a) => a.recipient_key.toString('hex') === input.addressId);
      if (!address) throw IysRequestError.of('H918', { location: ['addressId'] });

      const brand =
        typeof input.brandCode === 'number' && Number.isSafeInteger(input.brandCode)
          ? await providers.findBrandByCode(input.brandCode)
          : undefined;
      if (!brand) errors.push(iysError('H923', { location: ['brandCode'], value: input.brandCode }));

      if (!isOneOf(CONSENT_TYPES, input.type))
        errors.push(iysError('H117', { location: ['type'], value: input.type }));
      else {
        const mismatch = checkTypeMatchesRecipient(input.type, address.kind, '');
        if (mismatch) errors.push({ ...mismatch, location: ['type'], value: input.type });
      }

      const parsedDate = typeof input.receivedAt === 'string' ? parseWireDate(input.receivedAt) : null;
      const receivedAt = parsedDate?.ok ? parsedDate.date : null;
      if (!receivedAt) errors.push(iysError('H158', { location: ['receivedAt'], value: input.receivedAt }));
      else if (receivedAt > clock()) errors.push(iysError('H162', { location: ['receivedAt'] }));
      else if (receivedAt < REGISTRY_EPOCH) errors.push(iysError('H156', { location: ['receivedAt'] }));

      const text = typeof input.messageText === 'string' ? input.messageText.trim() : '';
      if (text.length === 0 || text.length > MAX_MESSAGE_CHARS)
        errors.push(iysError('H923', { location: ['messageText'] }));

      const province =
        input.province === undefined || input.province === null || input.province === ''
          ? null
          : input.province;
      if (province !== null && !isProvinceCode(province))
        errors.push(iysError('H923', { location: ['province'], value: province }));

      let screenshotType: string | null = null;
      if (input.screenshot) {
        screenshotType = sniffImageType(input.screenshot.data);
        if (!screenshotType || input.screenshot.data.length > MAX_SCREENSHOT_BYTES) {
          errors.push(iysError('H922', { location: ['screenshot'] }));
        }
      }
      if (errors.length > 0 || !brand || !receivedAt) throw new IysRequestError(errors);

      const history = await consents.listEventsForRecipient(address.recipient_key, {
        brandId: brand.id,
        type: input.type as string,
      });
      const events: EvidenceEvent[] = history.map((e) => ({
        recipientType: e.recipient_type as RecipientType,
        status: e.status as ConsentStatus,
        source: e.source,
        consentDate: e.consent_date,
        creationDate: e.creation_date,
        transactionId: e.transaction_id,
      }));
      const prescreen = prescreenComplaint(events, receivedAt, calendar);
      const id = randomUUID();
      const answerDueAt = businessDeadline(clock(), answerDays, calendar);
      await complaints.insertComplaint({
        id,
        citizen_id: citizenId,
        brand_id: brand.id,
        recipient_key: address.recipient_key,
        type: input.type as string,
        received_at: receivedAt,
        message_enc: cipher.encrypt(text, aad(id, 'message')),
        screenshot_enc:
          input.screenshot && screenshotType
            ? cipher.encrypt(input.screenshot.data.toString('base64'), aad(id, 'screenshot'))
            : null,
        screenshot_type: screenshotType,
        evidence: { ...prescreen, history: events },
        verdict: prescreen.verdict,
        province: province as string | null,
        answer_due_at: answerDueAt,
      });
      await deps
        .notifyCompany?.(
          brand.provider_id,
          'İYS: markanız hakkında bir şikayet',
          `${brand.name} (${brand.brand_code}) markanız adına gönderilen bir ileti hakkında İYS'ye şikayet yapıldı. ` +
            `Şikayeti, alıcının kayıt geçmişini ve yanıt formunu hizmet sağlayıcı portalının Şikayetler sayfasında ` +
            `görebilirsiniz: ${deps.publicUrl ?? ''}/firma\n\nYanıt ve kanıtlarınız için son gün: ` +
            `${formatDeadline(answerDueAt).slice(0, 10)} (${answerDays} iş günü).\n`,
        )
        .catch(() => {});
      return { id, verdict: prescreen.verdict, evidence: { ...prescreen, history: events } };
    },

    async listForCitizen(citizenId: string) {
      return presentAll(await complaints.listForCitizen(citizenId));
    },

    /** A citizen answers the regulator's request for more information; the complaint returns to its queue. */
    async reply(citizenId: string, id: string, text: unknown): Promise<void> {
      const complaint = /^[0-9a-f-]{36}$/i.test(id)
        ? await complaints.findForCitizen(citizenId, id)
        : undefined;
      if (!complaint) throw IysRequestError.of('H933', { location: ['id'], value: id });
      const reply = typeof text === 'string' ? text.trim() : '';
      if (reply.length === 0 || reply.length > MAX_MESSAGE_CHARS)
        throw IysRequestError.of('H923', { location: ['text'] });
      if (!(await complaints.addReply(id, cipher.encrypt(reply, aad(id, 'reply')))))
        throw IysRequestError.of('H991', { location: ['id'], value: id });
    },

    /** Brands a citizen can name in a complaint, found by a part of their name (at least 2 letters). */
    async findBrands(text: unknown) {
      const wanted = typeof text === 'string' ? text.trim() : '';
      if (wanted.length < 2 || wanted.length > 100) return [];
      return (await providers.searchBrandsByName(wanted, 20)).map((b) => ({
        brandCode: b.brand_code,
        name: b.name,
        company: b.company,
      }));
    },

    /** The screenshot a citizen attached, for the regulator: the sniffed type and the bytes. */
    async screenshot(id: string): Promise<{ type: string; data: Buffer }> {
      const row = /^[0-9a-f-]{36}$/i.test(id) ? await complaints.findScreenshot(id) : undefined;
      if (!row?.screenshot_enc || !row.screenshot_type)
        throw IysRequestError.of('H933', { location: ['id'], value: id });
      return {
        type: row.screenshot_type,
        data: Buffer.from(cipher.decrypt(row.screenshot_enc, aad(id, 'screenshot')), 'base64'),
      };
    },

    /** For the regulator: complaints with the citizen's account and the evidence, newest first. */
    async listForRegulator(filter: Record<string, unknown>, page: { limit?: unknown; offset?: unknown }) {
      const errors: IysErrorItem[] = [];
      const int = (value: unknown, name: string): number | undefined => {
        if (value === undefined || value === '') return undefined;
        if (typeof value === 'string' && /^\d{1,10}$/.test(value)) return Number(value);
        errors.push(iysError('H923', { location: [name], value }));
        return undefined;
      };
      const parsed: ComplaintFilter = {
        brandCode: int(filter.brandCode, 'brandCode'),
        iysCode: int(filter.iysCode, 'iysCode'),
      };
      if (filter.verdict !== undefined) {
        if (isOneOf(VERDICTS, filter.verdict)) parsed.verdict = filter.verdict;
        else errors.push(iysError('H923', { location: ['verdict'], value: filter.verdict }));
      }
      if (typeof filter.status === 'string') parsed.status = filter.status;
      if (filter.province !== undefined && filter.province !== '') {
        if (isProvinceCode(filter.province)) parsed.province = filter.province;
        else errors.push(iysError('H923', { location: ['province'], value: filter.province }));
      }
      const limit = int(page.limit, 'limit') ?? 50;
      const offset = int(page.offset, 'offset') ?? 0;
      if (limit < 1 || limit > 100) errors.push(iysError('H186', { location: ['limit'], value: page.limit }));
      if (errors.length > 0) throw new IysRequestError(errors);
      return presentAll(await complaints.list(parsed, limit, offset));
    },
  };
}

export type ComplaintService = ReturnType<typeof createComplaintService>;
