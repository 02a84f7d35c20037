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
  /**
   * Movements dated before the message but recorded in the registry only after it: they did not exist
   * when the message was sent, so they do not count, and the regulator sees them flagged.
   */
  backdated: EvidenceEvent[];
}

/**
 * What the registry held for (brand, address, channel) when a message arrived, reconstructed from the event
 * log: per recipient type, among the movements the registry had recorded by then (`creationDate`), the one
 * with the latest consent date (consent dates only ever increase, H178). A movement recorded after the
 * message does not count, whatever date its sender gave it — an ONAY back-dated after a complaint must not
 * make the message look allowed — and is flagged. An individual (BIREYSEL) record decides; without one, a
 * trader (TACIR) record decides; traders may be messaged unless a RET is in force.
 */
export function prescreenComplaint(
  events: EvidenceEvent[],
  receivedAt: Date,
  calendar: WorkingCalendar,
): ComplaintEvidence {
  const recorded = events.filter((e) => e.creationDate <= receivedAt);
  const backdated = events.filter((e) => e.creationDate > receivedAt && e.consentDate <= receivedAt);
  const inForceFor = (recipientType: RecipientType) =>
    recorded
      .filter((e) => e.recipientType === recipientType && e.consentDate <= receivedAt)
      .reduce<EvidenceEvent | null>(
        (last, e) => (!last || e.consentDate > last.consentDate ? e : last),
        null,
      );

  const individual = inForceFor('BIREYSEL');
  const trader = inForceFor('TACIR');
  const inForce = individual ?? trader;
  if (!inForce) return { verdict: 'NO_CONSENT', inForce: null, graceEndsAt: null, backdated };
  if (inForce.status === 'ONAY') {
    const verdict = individual ? 'ONAY_IN_FORCE' : 'TACIR_WITHOUT_RET';
    return { verdict, inForce, graceEndsAt: null, backdated };
  }
  const graceEndsAt = businessDeadline(inForce.consentDate, OPT_OUT_GRACE_BUSINESS_DAYS, calendar);
  const verdict = receivedAt >= graceEndsAt ? 'RET_IN_FORCE' : 'RET_GRACE_PERIOD';
  return { verdict, inForce, graceEndsAt, backdated };
}
