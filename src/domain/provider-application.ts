import { isValidMersis, isValidTckn, isValidVkn } from './identifiers.js';
import { iysError, type IysErrorItem } from './iys-errors.js';
import { parseRecipient } from './recipient.js';

export const MAX_AGREEMENT_BYTES = 10 * 1024 * 1024;

/** A validated application to join the registry as a service provider. */
export interface ProviderApplicationInput {
  kind: 'TUZEL' | 'GERCEK';
  title: string;
  /** VKN for a legal entity, the person's own TCKN for a natural person. */
  taxId: string;
  mersis: string | null;
  taxOffice: string;
  invoiceAddress: string;
  email: string;
  contactName: string;
  contactTckn: string;
}

export type ApplicationParse =
  { ok: true; value: ProviderApplicationInput } | { ok: false; errors: IysErrorItem[] };

const NAME_SHAPE = /^[\p{L}][\p{L} .'-]*$/u;

/**
 * Checks an application form: every field present and of sane length, identity numbers with valid check
 * digits, the MERSİS number carrying the company's own VKN. All problems are reported at once.
 */
export function parseProviderApplication(fields: Record<string, unknown>): ApplicationParse {
  const errors: IysErrorItem[] = [];
  const text = (name: string, min: number, max: number): string => {
    const raw = fields[name];
    const value = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
    if (value.length < min || value.length > max) {
      errors.push(iysError('H940', { location: [name], value: raw, vars: { field: name } }));
    }
    return value;
  };
  const digits = (name: string, valid: (v: string) => boolean, code: 'H941' | 'H942'): string => {
    const raw = fields[name];
    const value = typeof raw === 'string' ? raw.replace(/\s/g, '') : '';
    if (!valid(value)) errors.push(iysError(code, { location: [name], value: raw }));
    return value;
  };

  const kind = fields.kind;
  if (kind !== 'TUZEL' && kind !== 'GERCEK') {
    errors.push(iysError('H940', { location: ['kind'], value: kind, vars: { field: 'kind' } }));
  }
  const title = text('title', 2, 255);
  let taxId: string;
  let mersis: string | null = null;
  if (kind === 'GERCEK') {
    taxId = digits('tckn', isValidTckn, 'H941');
  } else {
    taxId = digits('vkn', isValidVkn, 'H942');
    const raw = typeof fields.mersis === 'string' ? fields.mersis.replace(/\s/g, '') : '';
    if (!isValidMersis(raw, isValidVkn(taxId) ? taxId : undefined)) {
      errors.push(iysError('H943', { location: ['mersis'], value: fields.mersis }));
    }
    mersis = raw;
  }
  const taxOffice = text('taxOffice', 2, 100);
  const invoiceAddress = text('invoiceAddress', 10, 500);
  const email = parseRecipient(fields.email, ['email']);
  if (!email.ok || email.kind !== 'email') {
    errors.push(iysError('H940', { location: ['email'], value: fields.email, vars: { field: 'email' } }));
  }
  const contactName = text('contactName', 2, 100);
  if (contactName && !NAME_SHAPE.test(contactName)) {
    errors.push(iysError('H940', { location: ['contactName'], vars: { field: 'contactName' } }));
  }
  const contactTckn = digits('contactTckn', isValidTckn, 'H941');

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      kind: kind as 'TUZEL' | 'GERCEK',
      title,
      taxId,
      mersis,
      taxOffice,
      invoiceAddress,
      email: email.ok ? email.address : '',
      contactName,
      contactTckn,
    },
  };
}

/**
 * A PDF by its content, not its name or declared type: the `%PDF-` header at the start and an end-of-file
 * marker near the end (a truncated upload has none).
 */
export function isPdf(data: Buffer): boolean {
  if (data.length < 16 || data.subarray(0, 5).toString('latin1') !== '%PDF-') return false;
  return data.subarray(Math.max(0, data.length - 1024)).includes('%%EOF');
}
