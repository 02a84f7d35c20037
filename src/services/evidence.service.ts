import { createHash } from 'node:crypto';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { evidenceLeafHash } from '../crypto/evidence-hash.js';
import { sniffEvidence } from '../domain/evidence-file.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { EvidenceRepository } from '../repositories/evidence.repository.js';

type Listed = NonNullable<Awaited<ReturnType<EvidenceRepository['findSame']>>>;

export interface EvidenceView {
  evidenceId: string;
  transactionId: string;
  mediaType: string;
  bytes: number;
  sha256: string;
  attachedBy: string;
  attachedAt: Date;
}

const present = (row: Listed): EvidenceView => ({
  evidenceId: String(row.id),
  transactionId: row.transaction_id,
  mediaType: row.media_type,
  bytes: row.bytes,
  sha256: row.sha256.toString('hex'),
  attachedBy: row.actor_id,
  attachedAt: row.created_at,
});

/** What a piece's ciphertext is bound to: its digest, so a ciphertext moved onto another row fails. */
export const evidenceAad = (sha256: Buffer) => Buffer.from(`evidence:${sha256.toString('hex')}`);

/**
 * Evidence of consents (issue 14): the law asks for a signature on paper consents and an electronic record
 * of the others, and a complaint is decided on them. A company attaches a file to a movement it recorded
 * (by its transaction id). The file is sniffed (PDF, PNG, JPEG or JSON only, 10 MB), stored encrypted,
 * append-only, and its SHA-256 becomes a leaf of the transparency log, so it cannot be swapped later without
 * the log audit noticing. The same file on the same movement is kept once.
 */
export function createEvidenceService(deps: {
  evidence: EvidenceRepository;
  cipher: FieldCipher;
  clock?: () => Date;
}) {
  const { evidence, cipher, clock = () => new Date() } = deps;
  const aad = evidenceAad;

  return {
    async attach(brandId: number, actorId: string, transactionId: unknown, data: Buffer | undefined) {
      if (typeof transactionId !== 'string' || transactionId.length === 0 || transactionId.length > 100)
        throw IysRequestError.of('H989', { location: ['transactionId'], value: transactionId ?? null });
      const mediaType = data ? sniffEvidence(data) : null;
      if (!data || !mediaType) throw IysRequestError.of('H995', { location: ['file'] });
      const event = await evidence.findEvent(brandId, transactionId);
      if (!event) throw IysRequestError.of('H989', { location: ['transactionId'], value: transactionId });
      const sha256 = createHash('sha256').update(data).digest();
      const known = await evidence.findSame(event.id, sha256);
      if (known) return { ...present(known), repeated: true };
      const row = {
        event_id: event.id,
        brand_id: brandId,
        recipient_key: event.recipient_key,
        transaction_id: transactionId,
        media_type: mediaType,
        bytes: data.length,
        sha256,
        actor_id: actorId,
        // Milliseconds are what the leaf commits to; the column keeps microseconds, so none are left over.
        created_at: new Date(clock().getTime()),
      };
      const inserted = await evidence.insert({
        ...row,
        content_enc: cipher.encrypt(data, aad(sha256)),
        leaf_hash: evidenceLeafHash(row),
      });
      // A concurrent attach of the same file won the insert: answer with its row.
      const stored = inserted ?? (await evidence.findSame(event.id, sha256));
      return { ...present(stored!), repeated: inserted === undefined };
    },

    async list(brandId: number, transactionIds: string[]): Promise<EvidenceView[]> {
      return (await evidence.listForTransactions(brandId, transactionIds)).map(present);
    },

    /** One piece with its content: a company reads only its own brands' (`brandIds`), the regulator any. */
    async download(id: unknown, brandIds: number[] | 'any') {
      const found =
        typeof id === 'string' && /^\d{1,18}$/.test(id) ? await evidence.findContent(id) : undefined;
      if (!found || (brandIds !== 'any' && !brandIds.includes(found.brand_id)))
        throw IysRequestError.of('H997', { location: ['evidenceId'], value: id });
      return { ...present(found), data: cipher.decryptBytes(found.content_enc, aad(found.sha256)) };
    },
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
