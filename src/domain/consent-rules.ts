import { businessDeadline, type WorkingCalendar } from './business-days.js';
import type { ConsentInput, ConsentSource, ConsentStatus, StoredConsent } from './consent.js';
import { iysError, type IysErrorItem } from './iys-errors.js';
import { truncateToSecond } from './wire-date.js';

/** Consents dated before İYS began (1 May 2015) are not accepted, except as the HS_2015 marker date. */
export const REGISTRY_EPOCH = new Date('2015-04-30T21:00:00Z'); // 2015-05-01 00:00:00 Türkiye time
/** Records obtained outside the registry must be registered within this many business days (Law 6563). */
export const UPLOAD_DEADLINE_BUSINESS_DAYS = 3;

/** The parts of a submitted record the transition rules look at. */
export type RuleInput = Pick<ConsentInput, 'recipientType' | 'status' | 'source' | 'consentDate'>;

export interface TransitionContext {
  stored: StoredConsent | null;
  input: RuleInput;
  now: Date;
  /** The provider's activation date; older consents are legacy records exempt from the upload deadline. */
  activatedAt: Date;
  calendar: WorkingCalendar;
}

export interface AcceptedTransition {
  status: ConsentStatus;
  source: ConsentSource | null;
  consentDate: Date;
}

export type TransitionDecision =
  { ok: true; next: AcceptedTransition } | { ok: false; errors: IysErrorItem[] };

/**
 * Decides whether a provider's consent record may be applied on top of what the registry holds
 * (iys-api.md §5). Pure: the caller supplies the stored state, the clock and the calendar.
 */
export function decideTransition({
  stored,
  input,
  now,
  activatedAt,
  calendar,
}: TransitionContext): TransitionDecision {
  const reject = (...errors: IysErrorItem[]): TransitionDecision => ({ ok: false, errors });
  const consentDate = input.consentDate;

  if (consentDate) {
    if (consentDate < REGISTRY_EPOCH) return reject(iysError('H156', { location: ['consentDate'] }));
    if (consentDate > now) return reject(iysError('H162', { location: ['consentDate'] }));
    const isLegacy = isHistorical({ source: input.source, consentDate }, activatedAt);
    if (!isLegacy && now >= businessDeadline(consentDate, UPLOAD_DEADLINE_BUSINESS_DAYS, calendar)) {
      return reject(iysError('H901', { location: ['consentDate'] }));
    }
  }

  if (!stored) {
    // Traders may be messaged without consent, so their first record is meaningful as a RET.
    if (input.status === 'RET' && input.recipientType === 'BIREYSEL')
      return reject(iysError('H175', { location: ['status'] }));
    return {
      ok: true,
      next: { status: input.status, source: input.source, consentDate: consentDate ?? truncateToSecond(now) },
    };
  }

  if (input.recipientType === 'TACIR') {
    const missing: IysErrorItem[] = [];
    if (!consentDate) missing.push(iysError('H462', { location: ['consentDate'] }));
    if (!input.source) missing.push(iysError('H463', { location: ['source'] }));
    if (missing.length > 0) return reject(...missing);
  }
  if (input.status === stored.status) {
    return reject(iysError('H174', { location: ['status'], vars: { status: stored.status } }));
  }
  if (!consentDate || consentDate <= stored.consentDate)
    return reject(iysError('H178', { location: ['consentDate'] }));

  return { ok: true, next: { status: input.status, source: input.source, consentDate } };
}

/**
 * A record of the company's past rather than a consent given now: the `HS_2015` marker of consents older
 * than İYS, or any consent dated before the company joined the registry. The 3-business-day deadline does
 * not bind it, and the registry sends the person no notice for it (a migration of millions of old records
 * must not become millions of SMS); the person still sees it in the citizen portal.
 */
export function isHistorical(
  record: { source: string | null; consentDate: Date },
  activatedAt: Date,
): boolean {
  return record.source === 'HS_2015' || record.consentDate < activatedAt;
}
