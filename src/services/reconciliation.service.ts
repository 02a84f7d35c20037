import type { FieldCipher } from '../crypto/field-cipher.js';
import { CONSENT_TYPES, isOneOf, RECIPIENT_TYPES } from '../domain/consent.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { formatWireDate, startOfTurkeyDay, turkeyDay } from '../domain/wire-date.js';
import type { DayRange, ReconciliationRepository } from '../repositories/reconciliation.repository.js';
import type { BrandScope } from './tenancy.service.js';

const DAY_MS = 24 * 3600_000;
const PAGE_ROWS = 5000;
/** The movement file covers the 7 days before today (iys-api.md §3.6). */
export const FILE_DAYS = 7;
export const MOVEMENT_COLUMNS = [
  'creationDate',
  'transactionId',
  'recipient',
  'recipientType',
  'type',
  'status',
  'consentDate',
  'source',
] as const;

/**
 * Reconciliation (mutabakat): a provider checks its records against the registry's, day by day — a summary
 * of the day's movements per channel and source, and the day's movement file.
 */
export function createReconciliationService(deps: {
  reconciliation: ReconciliationRepository;
  cipher: FieldCipher;
  clock?: () => Date;
}) {
  const { reconciliation, cipher, clock = () => new Date() } = deps;

  /** A `YYYY-MM-DD` Türkiye day, not in the future; the file also needs it within the last 7 days. */
  function dayRange(scope: BrandScope, reportDate: string, forFile: boolean): DayRange {
    const start = /^\d{4}-\d{2}-\d{2}$/.test(reportDate) ? startOfTurkeyDay(reportDate) : new Date(NaN);
    // 2026-02-30 parses (as 2 March): a real day formats back to itself.
    const valid = !Number.isNaN(start.getTime()) && turkeyDay(start) === reportDate;
    const today = turkeyDay(clock());
    const age = valid
      ? Math.round((startOfTurkeyDay(today).getTime() - startOfTurkeyDay(reportDate).getTime()) / DAY_MS)
      : -1;
    const allowed = forFile ? age >= 1 && age <= FILE_DAYS : age >= 0;
    if (!valid || !allowed)
      throw IysRequestError.of('H501', {
        location: ['reportDate'],
        value: reportDate,
        vars: { value: reportDate },
      });
    const from = startOfTurkeyDay(reportDate);
    return { brandId: scope.brand.id, from, to: new Date(from.getTime() + DAY_MS) };
  }

  return {
    async summary(scope: BrandScope, reportDate: string, recipientType: string) {
      if (!isOneOf(RECIPIENT_TYPES, recipientType))
        throw IysRequestError.of('H503', {
          location: ['recipientType'],
          value: recipientType,
          vars: { value: recipientType },
        });
      const counts = await reconciliation.summarise(dayRange(scope, reportDate, false), recipientType);
      return {
        changeStats: CONSENT_TYPES.map((type) => ({
          type,
          consents: (['HS', 'IYS'] as const).map((source) => {
            const found = counts.find((c) => c.type === type && c.source === source);
            const approval = found?.approval ?? 0;
            const rejection = found?.rejection ?? 0;
            return { source, total: approval + rejection, approval, rejection };
          }),
        })),
      };
    },

    /** Validates the day at once (so a bad date is a clean 422), then yields its rows page by page. */
    movementFile(scope: BrandScope, reportDate: string): AsyncIterable<string[]> {
      const range = dayRange(scope, reportDate, true);
      return (async function* () {
        let afterId: string | null = null;
        for (;;) {
          const page = await reconciliation.listMovements(range, afterId, PAGE_ROWS);
          for (const row of page) {
            yield [
              formatWireDate(row.creation_date),
              row.transaction_id,
              cipher.openAddress(row.recipient_key, row.address_enc),
              row.recipient_type,
              row.type,
              row.status,
              formatWireDate(row.consent_date),
              row.source ?? '',
            ];
          }
          if (page.length < PAGE_ROWS) return;
          afterId = page[page.length - 1]!.id;
        }
      })();
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
