import {
  CONSENT_STATUSES,
  CONSENT_TYPES,
  PROVIDER_SOURCES,
  RECIPIENT_TYPES,
  isOneOf,
  type ConsentInput,
} from './consent.js';
import { iysError, type IysErrorItem } from './iys-errors.js';
import { checkTypeMatchesRecipient, parseRecipient } from './recipient.js';
import { parseWireDate } from './wire-date.js';

/** The eight body keys the İYS consent endpoints accept (H118 names them). */
export const CONSENT_FIELDS = [
  'recipientType',
  'retailerAccess',
  'recipient',
  'retailerCode',
  'source',
  'type',
  'consentDate',
  'status',
] as const;

export type ConsentParse = { ok: true; consent: ConsentInput } | { ok: false; errors: IysErrorItem[] };

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The largest retailer code: they are kept as PostgreSQL integers (int4). */
const MAX_RETAILER_CODE = 2 ** 31 - 1;

/**
 * A retailer code as it can be kept. A larger one passed here once, was accepted, and then failed its write
 * lane's statement at every retry, holding the brand's later requests behind it.
 */
const isRetailerCode = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_RETAILER_CODE;

/**
 * Field-level validation of one submitted consent, reporting every problem at once with its İYS code and
 * location. Rules that need the stored state or the clock live in consent-rules.ts.
 */
export function parseConsentInput(body: unknown, prefix: (string | number)[] = []): ConsentParse {
  if (!isPlainObject(body))
    return { ok: false, errors: [iysError('H085', { location: prefix, value: body })] };
  const at = (field: string) => [...prefix, field];
  const errors: IysErrorItem[] = [];

  // A key whose value is null is absent: published İYS clients send `"transactionId": null` in every single
  // add, and the real registry accepts it. A non-null value of an unknown key stays H118.
  for (const [key, value] of Object.entries(body)) {
    if (value !== null && !(CONSENT_FIELDS as readonly string[]).includes(key)) {
      errors.push(iysError('H118', { location: at(key), vars: { field: key } }));
    }
  }

  const recipient = parseRecipient(body.recipient, at('recipient'));
  if (!recipient.ok) errors.push(recipient.error);

  const { recipientType, type, status, source, consentDate } = body;
  if (recipientType === undefined || recipientType === null)
    errors.push(iysError('H170', { location: at('recipientType') }));
  else if (!isOneOf(RECIPIENT_TYPES, recipientType)) {
    errors.push(iysError('H116', { location: at('recipientType'), value: recipientType }));
  }

  if (type === undefined || type === null) errors.push(iysError('H111', { location: at('type') }));
  else if (!isOneOf(CONSENT_TYPES, type))
    errors.push(iysError('H117', { location: at('type'), value: type }));

  if (status === undefined || status === null) errors.push(iysError('H110', { location: at('status') }));
  else if (!isOneOf(CONSENT_STATUSES, status))
    errors.push(iysError('H115', { location: at('status'), value: status }));

  // A trader (TACIR) may be recorded without source and date; an individual never.
  const optionalProvenance = recipientType === 'TACIR';
  if (source === undefined || source === null) {
    if (!optionalProvenance) errors.push(iysError('H113', { location: at('source') }));
  } else if (!isOneOf(PROVIDER_SOURCES, source)) {
    errors.push(iysError('H119', { location: at('source'), value: source }));
  }

  let parsedDate: Date | null = null;
  if (consentDate === undefined || consentDate === null) {
    if (!optionalProvenance) errors.push(iysError('H112', { location: at('consentDate') }));
  } else if (typeof consentDate !== 'string') {
    errors.push(iysError('H158', { location: at('consentDate'), value: consentDate }));
  } else {
    const parsed = parseWireDate(consentDate);
    if (parsed.ok) parsedDate = parsed.date;
    else
      errors.push(
        iysError(parsed.reason === 'format' ? 'H158' : 'H157', {
          location: at('consentDate'),
          value: consentDate,
        }),
      );
  }

  if (source === 'HS_2015' && typeof consentDate === 'string' && consentDate !== '2015-05-01 00:00:00') {
    errors.push(iysError('H155', { location: at('consentDate'), value: consentDate }));
  }
  if (source === 'HS_KARAR' && status === 'ONAY')
    errors.push(iysError('H408', { location: at('status'), value: status }));

  const { retailerCode, retailerAccess } = body;
  if (retailerCode !== undefined && retailerCode !== null && !isRetailerCode(retailerCode)) {
    errors.push(iysError('H085', { location: at('retailerCode'), value: retailerCode }));
  }
  if (retailerAccess !== undefined && retailerAccess !== null) {
    if (!Array.isArray(retailerAccess))
      errors.push(iysError('H085', { location: at('retailerAccess'), value: retailerAccess }));
    else {
      retailerAccess.forEach((code, index) => {
        if (!isRetailerCode(code))
          errors.push(iysError('H085', { location: [...at('retailerAccess'), index], value: code }));
      });
    }
  }

  if (recipient.ok && isOneOf(CONSENT_TYPES, type)) {
    const mismatch = checkTypeMatchesRecipient(type, recipient.kind, recipient.address);
    if (mismatch) errors.push({ ...mismatch, location: at(mismatch.location![0] as string) });
  }

  if (errors.length > 0 || !recipient.ok) return { ok: false, errors };
  return {
    ok: true,
    consent: {
      recipient: recipient.address,
      recipientKind: recipient.kind,
      recipientType: recipientType as ConsentInput['recipientType'],
      type: type as ConsentInput['type'],
      status: status as ConsentInput['status'],
      source: (source ?? null) as ConsentInput['source'],
      consentDate: parsedDate,
      retailerCode: (retailerCode as number | null | undefined) ?? null,
      retailerAccess: Array.isArray(retailerAccess) ? [...new Set(retailerAccess as number[])] : [],
    },
  };
}
