import { CONSENT_TYPES, isOneOf, RECIPIENT_TYPES, type ConsentType, type RecipientType } from './consent.js';
import { isPlainObject } from './consent-input.js';
import { isValidMersis, isValidTckn } from './identifiers.js';
import { iysError, type IysErrorItem } from './iys-errors.js';
import { findTown, PROVINCES } from './provinces.js';
import { checkTypeMatchesRecipient, parseRecipient } from './recipient.js';
import { textOf } from './scalars.js';

export const MAX_RETAILERS_PER_BRAND = 3000;
export const MAX_PAGE_SIZE = 100;
export const MAX_ACCESS_LIST = 100;
export const RETAILER_STATUSES = ['active', 'passive', 'pending'] as const;
export type RetailerStatus = (typeof RETAILER_STATUSES)[number];

export interface RetailerInput {
  title: string;
  mersis: string | null;
  alias: string | null;
  name: string;
  tckn: string;
  mobile: string | null;
  city: { code: string; name: string };
  town: { code: string; name: string };
  status: RetailerStatus;
}

type Parse<T> = { ok: true; value: T } | { ok: false; errors: IysErrorItem[] };

const NAME = /^[\p{L}][\p{L} .'-]*$/u;
const TITLE = /^[\p{L}\p{N}][\p{L}\p{N} .,'&()/-]*$/u;

/**
 * A retailer (bayi) to add under a brand (iys-api.md §3.4): title ≤ 255 letters and digits, the authorised
 * person's name in letters, a TCKN with valid check digits, an optional MERSİS number and mobile, and the
 * city and town from the info service (the name is taken from the registry's list, not the request).
 */
export function parseRetailer(body: unknown): Parse<RetailerInput> {
  if (!isPlainObject(body)) return { ok: false, errors: [iysError('H090', { value: body })] };
  const errors: IysErrorItem[] = [];
  const invalid = (field: string, value?: unknown) =>
    errors.push(iysError('H960', { location: [field], value, vars: { field } }));
  const text = (field: string, shape: RegExp, required: boolean): string | null => {
    const raw = body[field];
    if (raw === undefined || raw === null || raw === '') {
      if (required) invalid(field);
      return null;
    }
    const value = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
    if (value.length === 0 || value.length > 255 || !shape.test(value)) invalid(field, raw);
    return value;
  };

  const title = text('title', TITLE, true);
  const alias = text('alias', TITLE, false);
  const name = text('name', NAME, true);
  const tckn = textOf(body.tckn);
  if (!isValidTckn(tckn)) errors.push(iysError('H941', { location: ['tckn'], value: body.tckn }));
  const mersisRaw = body.mersis;
  const mersis = mersisRaw === undefined || mersisRaw === null || mersisRaw === '' ? null : textOf(mersisRaw);
  if (mersis !== null && !isValidMersis(mersis))
    errors.push(iysError('H943', { location: ['mersis'], value: mersisRaw }));

  let mobile: string | null = null;
  if (body.mobile !== undefined && body.mobile !== null && body.mobile !== '') {
    const parsed = parseRecipient(body.mobile, ['mobile']);
    if (parsed.ok && parsed.kind === 'phone') mobile = parsed.address;
    else invalid('mobile', body.mobile);
  }

  const codeOf = (place: unknown) =>
    isPlainObject(place) && (typeof place.code === 'string' || typeof place.code === 'number')
      ? String(place.code)
      : '';
  const cityCode = codeOf(body.city).padStart(2, '0');
  const city = PROVINCES.find((p) => p.code === cityCode);
  if (!city) invalid('city', body.city);
  const town = findTown(codeOf(body.town));
  if (!town || town.city_code !== cityCode) invalid('town', body.town);

  const status = body.status ?? 'active';
  if (!isOneOf(RETAILER_STATUSES, status)) invalid('status', status);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title: title!,
      alias,
      name: name!,
      tckn,
      mersis,
      mobile,
      city: { code: city!.code, name: city!.name },
      town: { code: town!.code, name: town!.name },
      status: status as RetailerStatus,
    },
  };
}

/** `?offset=&limit=` of retailer lists: offset ≥ 0, 1 ≤ limit ≤ 100 (default 100). */
export function parsePage(query: {
  offset?: string;
  limit?: string;
}): Parse<{ offset: number; limit: number }> {
  const errors: IysErrorItem[] = [];
  const offset =
    query.offset === undefined || query.offset === ''
      ? 0
      : /^\d{1,9}$/.test(query.offset)
        ? Number(query.offset)
        : NaN;
  if (Number.isNaN(offset)) errors.push(iysError('H182', { location: ['offset'], value: query.offset }));
  let limit = MAX_PAGE_SIZE;
  if (query.limit !== undefined && query.limit !== '') {
    limit = /^\d{1,9}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (Number.isNaN(limit)) errors.push(iysError('H183', { location: ['limit'], value: query.limit }));
    else if (limit === 0) errors.push(iysError('H187', { location: ['limit'], value: query.limit }));
    else if (limit > MAX_PAGE_SIZE)
      errors.push(iysError('H186', { location: ['limit'], value: query.limit }));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { offset, limit } };
}

export interface AccessRequest {
  recipients: { address: string; original: unknown }[];
  recipientType: RecipientType;
  type: ConsentType;
  retailerAccess: number[];
}

/**
 * A retailer-access request (§3.5). `one`: a single `recipient`; otherwise `recipients` (≤ 100, no
 * duplicates). `withRetailers`: a `retailerAccess` list is required (≤ 100 codes, no duplicates).
 */
export function parseAccessRequest(
  body: unknown,
  shape: { one: boolean; withRetailers: boolean; invalidCode: 'H171' | 'H172' | 'H173' },
): Parse<AccessRequest> {
  if (!isPlainObject(body)) return { ok: false, errors: [iysError(shape.invalidCode, { value: body })] };
  const errors: IysErrorItem[] = [];
  const { recipientType, type } = body;
  if (recipientType === undefined || recipientType === null)
    errors.push(iysError('H170', { location: ['recipientType'] }));
  else if (!isOneOf(RECIPIENT_TYPES, recipientType))
    errors.push(iysError('H116', { location: ['recipientType'], value: recipientType }));
  if (type === undefined || type === null) errors.push(iysError('H111', { location: ['type'] }));
  else if (!isOneOf(CONSENT_TYPES, type)) errors.push(iysError('H117', { location: ['type'], value: type }));

  const list: { value: unknown; location: (string | number)[] }[] = [];
  if (shape.one) list.push({ value: body.recipient, location: ['recipient'] });
  else if (!Array.isArray(body.recipients)) errors.push(iysError('H168', { location: ['recipients'] }));
  else if (body.recipients.length === 0) errors.push(iysError('H164', { location: ['recipients'] }));
  else if (body.recipients.length > MAX_ACCESS_LIST)
    errors.push(iysError('H127', { location: ['recipients'], value: body.recipients.length }));
  else body.recipients.forEach((value, index) => list.push({ value, location: ['recipients', index] }));

  const recipients: AccessRequest['recipients'] = [];
  const seen = new Set<string>();
  for (const { value, location } of list) {
    const parsed = parseRecipient(value, location);
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    const mismatch = isOneOf(CONSENT_TYPES, type)
      ? checkTypeMatchesRecipient(type, parsed.kind, parsed.address)
      : null;
    if (mismatch) errors.push({ ...mismatch, location });
    else if (seen.has(parsed.address))
      errors.push(iysError('H193', { location, value, vars: { field: 'recipient' } }));
    else {
      seen.add(parsed.address);
      recipients.push({ address: parsed.address, original: value });
    }
  }

  const retailerAccess: number[] = [];
  if (shape.withRetailers) {
    const codes = body.retailerAccess;
    if (codes === undefined || codes === null)
      errors.push(iysError('H169', { location: ['retailerAccess'] }));
    else if (!Array.isArray(codes))
      errors.push(iysError(shape.invalidCode, { location: ['retailerAccess'], value: codes }));
    else if (codes.length === 0) errors.push(iysError('H163', { location: ['retailerAccess'] }));
    else if (codes.length > MAX_ACCESS_LIST)
      errors.push(iysError('H126', { location: ['retailerAccess'], value: codes.length }));
    else
      codes.forEach((code, index) => {
        const location = ['retailerAccess', index];
        if (!Number.isSafeInteger(code) || (code as number) <= 0)
          errors.push(iysError(shape.invalidCode, { location, value: code }));
        else if (retailerAccess.includes(code as number))
          errors.push(iysError('H193', { location, value: code, vars: { field: 'retailerCode' } }));
        else retailerAccess.push(code as number);
      });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      recipients,
      recipientType: recipientType as RecipientType,
      type: type as ConsentType,
      retailerAccess,
    },
  };
}
