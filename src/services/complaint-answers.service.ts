import type { FieldCipher } from '../crypto/field-cipher.js';
import { IysRequestError, iysError } from '../domain/iys-errors.js';
import { maskAddress } from '../domain/mask.js';
import type { ComplaintAnswerRepository } from '../repositories/complaint-answer.repository.js';
import { complaintAad } from './complaint.service.js';
import type { EvidenceService, EvidenceView } from './evidence.service.js';

/** A company's answer: room for its account of how the consent was taken, not for a document (attach one). */
const MAX_ANSWER_CHARS = 4000;
const LIST_LIMIT = 200;

interface HistoryItem {
  transactionId: string;
}

/**
 * The company's side of a complaint (issue 14). A complaint naming one of a company's brands shows in its
 * portal, with the complainant's address masked, the message, the registry's point-in-time record and a
 * deadline (see complaint.service: `OPENIYS_COMPLAINT_ANSWER_DAYS` business days). The company answers
 * before it with text and the evidence it attached to the movements concerned; the regulator reads both
 * sides beside the record. Answers are encrypted and append-only.
 */
export function createComplaintAnswerService(deps: {
  answers: ComplaintAnswerRepository;
  evidence: EvidenceService;
  cipher: FieldCipher;
  clock?: () => Date;
}) {
  const { answers, evidence, cipher, clock = () => new Date() } = deps;
  const aad = complaintAad;

  const historyOf = (stored: unknown): string[] =>
    ((stored as { history?: HistoryItem[] } | null)?.history ?? []).map((h) => h.transactionId);

  /** The answers to these complaints, each with the evidence it names, by complaint id. */
  async function answersOf(complaints: Array<{ id: string; brandId: number }>) {
    const rows = await answers.listAnswers(complaints.map((c) => c.id));
    const byComplaint = new Map<
      string,
      Array<{ text: string; by: string; at: Date; evidence: EvidenceView[] }>
    >();
    for (const row of rows) {
      const brandId = complaints.find((c) => c.id === row.complaint_id)!.brandId;
      const list = byComplaint.get(row.complaint_id) ?? [];
      list.push({
        text: cipher.decrypt(row.text_enc, aad(row.complaint_id, 'answer')),
        by: row.answered_by,
        at: row.created_at,
        evidence: await evidence.list(brandId, row.transaction_ids),
      });
      byComplaint.set(row.complaint_id, list);
    }
    return byComplaint;
  }

  return {
    answersOf,

    /** Complaints naming the company's brands, newest first, as the company may see them. */
    async listForCompany(brandIds: number[]) {
      const rows = await answers.listForBrands(brandIds, LIST_LIMIT);
      const given = await answersOf(rows.map((r) => ({ id: r.id, brandId: r.brand_id })));
      return Promise.all(
        rows.map(async (row) => {
          return {
            id: row.id,
            brandCode: row.brand_code,
            brandName: row.brand_name,
            type: row.type,
            address: maskAddress(cipher.openAddress(row.recipient_key, row.address_enc)),
            receivedAt: row.received_at,
            messageText: cipher.decrypt(row.message_enc, aad(row.id, 'message')),
            status: row.status,
            filedAt: row.created_at,
            answerDueAt: row.answer_due_at,
            /** The registry's record as the complaint was filed (presented by the route, as for the regulator). */
            record: row.evidence,
            evidence: await evidence.list(row.brand_id, historyOf(row.evidence)),
            answers: given.get(row.id) ?? [],
          };
        }),
      );
    },

    /**
     * The company's answer, before the deadline, naming movements of the complaint's record whose evidence
     * it relies on (attached beforehand, by API or in the portal).
     */
    async answer(
      brandIds: number[],
      actor: string,
      id: string,
      body: { text?: unknown; transactionIds?: unknown },
    ) {
      const complaint = await answers.findForBrands(brandIds, id);
      if (!complaint) throw IysRequestError.of('H933', { location: ['id'], value: id });
      if (complaint.answer_due_at && clock() >= complaint.answer_due_at) throw IysRequestError.of('H996');
      const text = typeof body.text === 'string' ? body.text.trim() : '';
      const errors = [];
      if (text.length === 0 || text.length > MAX_ANSWER_CHARS)
        errors.push(iysError('H923', { location: ['text'] }));
      const ids = body.transactionIds ?? [];
      const record = new Set(historyOf(complaint.evidence));
      if (!Array.isArray(ids) || ids.length > 50 || !ids.every((t) => typeof t === 'string' && record.has(t)))
        errors.push(iysError('H923', { location: ['transactionIds'], value: ids }));
      if (errors.length > 0) throw new IysRequestError(errors);
      const saved = await answers.insertAnswer({
        complaint_id: id,
        text_enc: cipher.encrypt(text, aad(id, 'answer')),
        transaction_ids: ids as string[],
        answered_by: actor,
      });
      return { answeredAt: saved.created_at };
    },
  };
}

export type ComplaintAnswerService = ReturnType<typeof createComplaintAnswerService>;
