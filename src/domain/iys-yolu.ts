import {
  CONSENT_TYPES,
  isOneOf,
  RECIPIENT_TYPES,
  type ConsentType,
  type RecipientKind,
  type RecipientType,
} from './consent.js';
import { isPlainObject } from './consent-input.js';
import { iysError, type IysErrorItem } from './iys-errors.js';
import { checkTypeMatchesRecipient, parseRecipient } from './recipient.js';

/** Sources of a consent collected through the registry, per channel (H452). */
const SOURCES_BY_CHANNEL: Record<ConsentType, readonly string[]> = {
  ARAMA: ['IYS_CM', 'IYS_KISAMESAJ'],
  MESAJ: ['IYS_CM', 'IYS_KISAMESAJ'],
  EPOSTA: ['IYS_EPOSTA'],
};

export interface OverIysRequest {
  recipient: string;
  kind: RecipientKind;
  recipientType: RecipientType;
  types: ConsentType[];
  source: string;
}

/**
 * `POST …/consents/overIys`: `{recipient, recipientType, type: [...], source}`. `type` is a list (a bare
 * string is taken as a list of one); every channel must fit the address (H459, H464) and the source
 * (H452).
 */
export function parseOverIysRequest(
  body: unknown,
): { ok: true; value: OverIysRequest } | { ok: false; errors: IysErrorItem[] } {
  if (!isPlainObject(body)) return { ok: false, errors: [iysError('H085', { value: body })] };
  const errors: IysErrorItem[] = [];
  const recipient = parseRecipient(body.recipient);
  if (!recipient.ok) errors.push(recipient.error);
  const { recipientType, source } = body;
  if (recipientType === undefined || recipientType === null)
    errors.push(iysError('H170', { location: ['recipientType'] }));
  else if (!isOneOf(RECIPIENT_TYPES, recipientType))
    errors.push(iysError('H116', { location: ['recipientType'], value: recipientType }));

  const rawTypes = typeof body.type === 'string' ? [body.type] : body.type;
  const types: ConsentType[] = [];
  if (!Array.isArray(rawTypes) || rawTypes.length === 0)
    errors.push(iysError('H111', { location: ['type'] }));
  else
    rawTypes.forEach((type, index) => {
      const location = ['type', index];
      if (!isOneOf(CONSENT_TYPES, type)) return void errors.push(iysError('H450', { location, value: type }));
      if (types.includes(type))
        return void errors.push(iysError('H193', { location, value: type, vars: { field: 'type' } }));
      const mismatch = recipient.ok
        ? checkTypeMatchesRecipient(type, recipient.kind, recipient.address)
        : null;
      if (mismatch) return void errors.push({ ...mismatch, location });
      if (typeof source === 'string' && !SOURCES_BY_CHANNEL[type].includes(source))
        errors.push(iysError('H452', { location: ['source'], value: source }));
      types.push(type);
    });
  if (typeof source !== 'string') errors.push(iysError('H113', { location: ['source'] }));

  if (errors.length > 0 || !recipient.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      recipient: recipient.address,
      kind: recipient.kind,
      recipientType: recipientType as RecipientType,
      types,
      source: source as string,
    },
  };
}
