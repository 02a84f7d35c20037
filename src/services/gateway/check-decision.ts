import type { IndexedConsent } from './consent-index.js';

/** Why a recipient may or may not receive the message. */
export type CheckReason = 'ONAY' | 'RET' | 'NO_CONSENT' | 'TACIR_WITHOUT_RET';

export interface CheckDecision {
  allowed: boolean;
  reason: CheckReason;
  /** When the deciding record took effect (its consentDate), absent for NO_CONSENT. */
  since?: number;
}

/**
 * The send-time rule: an individual may be messaged only with an ONAY in force; a trader (TACIR) unless a
 * RET is in force. A RET blocks at once — the 3-business-day grace period binds senders, not the gateway.
 * When the caller does not say which recipient type it sends to, an individual record decides first.
 */
export function decideCheck(
  individual: IndexedConsent | undefined,
  trader: IndexedConsent | undefined,
  recipientType: 'BIREYSEL' | 'TACIR' | undefined,
): CheckDecision {
  const asTrader =
    recipientType === 'TACIR' || (recipientType === undefined && !individual && trader !== undefined);
  if (asTrader) {
    if (trader?.status === 'RET') return { allowed: false, reason: 'RET', since: trader.since };
    return trader
      ? { allowed: true, reason: 'TACIR_WITHOUT_RET', since: trader.since }
      : { allowed: true, reason: 'TACIR_WITHOUT_RET' };
  }
  if (!individual) return { allowed: false, reason: 'NO_CONSENT' };
  return { allowed: individual.status === 'ONAY', reason: individual.status, since: individual.since };
}
