import { businessDeadline, type WorkingCalendar } from './business-days.js';
import type { ConsentStatus, RecipientType } from './consent.js';

/** The pre-screen verdicts a complaint gets from the registry's own records. */
export const VERDICTS = [
  'NO_CONSENT',
  'RET_IN_FORCE',
  'RET_GRACE_PERIOD',
  'ONAY_IN_FORCE',
  'TACIR_WITHOUT_RET',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** After a refusal the sender has this many business days to stop (Law 6563 art. 8(3)). */
export const OPT_OUT_GRACE_BUSINESS_DAYS = 3;

export interface EvidenceEvent {
  recipientType: RecipientType;
  status: ConsentStatus;
  source: string | null;
  consentDate: Date;
  creationDate: Date;
  transactionId: string;
}

export interface ComplaintEvidence {
  verdict: Verdict;
  /** The movement in force when the message arrived, if any. */
  inForce: EvidenceEvent | null;
  /** For a RET: the end of the grace period. */
  graceEndsAt: Date | null;
}

/**
 * What the registry held for (brand, address, channel) when a message arrived, reconstructed from the event
 * log: per recipient type, the last movement dated at or before the moment of receipt (consent dates only
 * ever increase, H178). An individual (BIREYSEL) record decides; without one, a trader (TACIR) record
 * decides; traders may be messaged unless a RET is in force.
 */
export function prescreenComplaint(
  events: EvidenceEvent[],
  receivedAt: Date,
  calendar: WorkingCalendar,
): ComplaintEvidence {
  const inForceFor = (recipientType: RecipientType) =>
    events
      .filter((e) => e.recipientType === recipientType && e.consentDate <= receivedAt)
      .reduce<EvidenceEvent | null>(
        (last, e) => (!last || e.consentDate > last.consentDate ? e : last),
        null,
      );

  const individual = inForceFor('BIREYSEL');
  const trader = inForceFor('TACIR');
  const inForce = individual ?? trader;
  if (!inForce) return { verdict: 'NO_CONSENT', inForce: null, graceEndsAt: null };
  if (inForce.status === 'ONAY') {
    return { verdict: individual ? 'ONAY_IN_FORCE' : 'TACIR_WITHOUT_RET', inForce, graceEndsAt: null };
  }
  const graceEndsAt = businessDeadline(inForce.consentDate, OPT_OUT_GRACE_BUSINESS_DAYS, calendar);
  return { verdict: receivedAt >= graceEndsAt ? 'RET_IN_FORCE' : 'RET_GRACE_PERIOD', inForce, graceEndsAt };
}
