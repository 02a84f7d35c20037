import type { IysErrorItem } from '../../domain/iys-errors.js';
import { parseRecipient } from '../../domain/recipient.js';
import { formatWireSeconds } from '../../domain/wire-date.js';
import type { CheckDecision } from './check-decision.js';

/* The shapes of a gateway answer: a checked recipient, its wire form, and the request a receipt covers. */

export type CheckItem = { recipient: unknown } & ({ decision: CheckDecision } | { error: IysErrorItem });

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The hot path's address parser: a well-formed E.164 number is already in the form consents are indexed
 * under, so the full numbering-plan validation (the slowest step of a check) is skipped for it; a number
 * that is well-formed but does not exist simply has no consent. Anything else gets the full parser and its
 * precise error code.
 */
export function parseGatewayRecipient(
  value: unknown,
  location: (string | number)[],
): ReturnType<typeof parseRecipient> {
  if (typeof value === 'string' && E164.test(value)) return { ok: true, address: value, kind: 'phone' };
  return parseRecipient(value, location);
}

/** The request a receipt's `req` hash covers; a sender who kept its request can recompute it. */
export function receiptRequest(request: {
  brandCode: number;
  type: string;
  recipientType: string | null;
  recipients: unknown[];
}) {
  return {
    brandCode: request.brandCode,
    type: request.type,
    recipientType: request.recipientType,
    recipients: request.recipients,
  };
}

/**
 * How one checked recipient appears on the wire (and in the receipt's results hash); reason and since only
 * for an account entitled to them.
 */
export function wireItem(item: CheckItem, withDetail: boolean) {
  if ('error' in item)
    return { recipient: item.recipient, error: { code: item.error.code, message: item.error.message } };
  if (!withDetail) return { recipient: item.recipient, allowed: item.decision.allowed };
  return {
    recipient: item.recipient,
    allowed: item.decision.allowed,
    reason: item.decision.reason,
    ...(item.decision.since !== undefined ? { since: formatWireSeconds(item.decision.since) } : {}),
  };
}
