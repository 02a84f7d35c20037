import type { FieldCipher } from '../crypto/field-cipher.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { RetentionRepository } from '../repositories/retention.repository.js';
import { evidenceAad } from './evidence.service.js';

const DAY_MS = 24 * 3600_000;
/** Consents purged per transaction: a night's backlog goes in many short transactions, not one long one. */
const PURGE_BATCH = 1000;
const ARCHIVE_PAGE = 100;

export interface RetentionSettings {
  /** Days a refusal's history is kept after the refusal took effect (OPENIYS_RETENTION_REFUSAL_DAYS). */
  refusalDays: number;
  /** Days finished operational rows are kept (OPENIYS_RETENTION_OPERATIONAL_DAYS). */
  operationalDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { refusalDays: 3 * 365, operationalDays: 90 };

/**
 * Retention and erasure (issue 14, KVKK). A daily run purges consents whose refusal took effect more than
 * `refusalDays` ago, with their whole history and evidence (the log keeps their leaf hashes), and removes
 * finished operational rows (sent messages, webhook deliveries, applied uploads and bulk requests, expired
 * codes) after `operationalDays`. Only counts are kept. A citizen may erase an address that holds no ONAY:
 * everything the law does not ask the registry to keep goes at once, the rest when its period ends.
 */
export function createRetentionService(deps: {
  retention: RetentionRepository;
  consents: ConsentRepository;
  cipher: FieldCipher;
  settings: RetentionSettings;
  clock?: () => Date;
}) {
  const { retention, consents, cipher, settings, clock = () => new Date() } = deps;

  return {
    settings,
    latestRuns: () => retention.latestRuns(200),

    async run() {
      const purged = new Map<number, { consents: number; events: number; evidence: number }>();
      for (let more = true; more;) {
        const batch = await retention.purgeEnded(settings.refusalDays, PURGE_BATCH);
        for (const row of batch) {
          const total = purged.get(row.brandId) ?? { consents: 0, events: 0, evidence: 0 };
          purged.set(row.brandId, {
            consents: total.consents + row.consents,
            events: total.events + row.events,
            evidence: total.evidence + row.evidence,
          });
        }
        more = batch.reduce((n, row) => n + row.consents, 0) === PURGE_BATCH;
      }
      const now = clock().getTime();
      const operational = new Date(now - settings.operationalDays * DAY_MS);
      const refusal = new Date(now - settings.refusalDays * DAY_MS);
      const removed = {
        messages: await retention.deleteFinishedMessages(operational),
        webhookDeliveries: await retention.deleteFinishedDeliveries(operational),
        uploads: await retention.deleteFinishedUploads(operational),
        bulkRequests: await retention.deleteFinishedBulkRequests(operational),
        codes: await retention.deleteExpiredChallenges(operational),
        lineClosures: await retention.deleteOldClosures(refusal),
      };
      await retention.recordRun([
        ...[...purged].flatMap(([brandId, n]) => [
          { kind: 'consents', brand_id: brandId, rows: n.consents },
          { kind: 'events', brand_id: brandId, rows: n.events },
          { kind: 'evidence', brand_id: brandId, rows: n.evidence },
        ]),
        ...Object.entries(removed)
          .filter(([, rows]) => rows > 0)
          .map(([kind, rows]) => ({ kind, brand_id: null, rows })),
      ]);
      const consentsPurged = [...purged.values()].reduce((n, p) => n + p.consents, 0);
      return { consentsPurged, ...removed };
    },

    /**
     * Erases one of a citizen's verified addresses (`recipientKey` from the citizen's own list). Refused
     * while an ONAY is held: the person refuses first. Refusals stay until their period ends, because they
     * protect the person; the answer says until when.
     */
    async erase(recipientKey: Buffer): Promise<{ erased: boolean; keptUntil: Date | null }> {
      const held = await consents.listForRecipients([recipientKey]);
      if (held.some((c) => c.status === 'ONAY')) throw IysRequestError.of('H998');
      const erased = await retention.eraseAddress(recipientKey);
      if (erased) return { erased, keptUntil: null };
      const latest = await retention.latestRefusal(recipientKey);
      return {
        erased,
        keptUntil: latest ? new Date(latest.getTime() + settings.refusalDays * DAY_MS) : null,
      };
    },

    /** Every piece of a company's evidence, with when it will be purged, for its archive (a ZIP). */
    async *archive(brandIds: number[]) {
      let after = '0';
      for (;;) {
        const page = await retention.evidencePage(brandIds, after, ARCHIVE_PAGE);
        for (const row of page) {
          yield {
            id: String(row.id),
            brandCode: row.brand_code,
            transactionId: row.transaction_id,
            mediaType: row.media_type,
            bytes: row.bytes,
            sha256: row.sha256.toString('hex'),
            attachedAt: row.created_at,
            consentStatus: row.status,
            purgeAfter:
              row.status === 'RET' && row.consent_date
                ? new Date(row.consent_date.getTime() + settings.refusalDays * DAY_MS)
                : null,
            data: cipher.decryptBytes(row.content_enc, evidenceAad(row.sha256)),
          };
        }
        if (page.length < ARCHIVE_PAGE) return;
        after = String(page.at(-1)!.id);
      }
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
