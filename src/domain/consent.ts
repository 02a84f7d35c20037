/** The İYS consent vocabulary, spelled exactly as the real API spells it (iys-api.md §4). */

export const CONSENT_TYPES = ['ARAMA', 'MESAJ', 'EPOSTA'] as const;
export type ConsentType = (typeof CONSENT_TYPES)[number];

export const CONSENT_STATUSES = ['ONAY', 'RET'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const RECIPIENT_TYPES = ['BIREYSEL', 'TACIR'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

/** Sources a provider may write, in the order of H119's message. */
export const PROVIDER_SOURCES = [
  'HS_FIZIKSEL_ORTAM',
  'HS_ISLAK_IMZA',
  'HS_WEB',
  'HS_CAGRI_MERKEZI',
  'HS_SOSYAL_MEDYA',
  'HS_EPOSTA',
  'HS_MESAJ',
  'HS_MOBIL',
  'HS_EORTAM',
  'HS_ETKINLIK',
  'HS_2015',
  'HS_ATM',
  'HS_KARAR',
] as const;
export type ProviderSource = (typeof PROVIDER_SOURCES)[number];

/** Sources only the registry writes, when a citizen acts through one of its channels. */
export const REGISTRY_SOURCES = [
  'IYS_CM',
  'IYS_WEB',
  'IYS_MOBIL',
  'IYS_KISAMESAJ',
  'IYS_EPOSTA',
  'IYS_3338',
  'IYS_KISA_LINK',
  'IYS_AHS_HAT_KAPATMA',
  'IYS_WEB_YENI',
] as const;
export type RegistrySource = (typeof REGISTRY_SOURCES)[number];

export type ConsentSource = ProviderSource | RegistrySource;

/** Pull / summary filter: movements the provider made (HS) or the citizen made in the registry (IYS). */
export const SOURCE_FAMILIES = ['HS', 'IYS'] as const;
export type SourceFamily = (typeof SOURCE_FAMILIES)[number];

export function sourceFamilyOf(source: ConsentSource | null): SourceFamily {
  return source !== null && source.startsWith('IYS_') ? 'IYS' : 'HS';
}

export type RecipientKind = 'phone' | 'email';

/** A consent record as a provider submits it, after validation and normalisation. */
export interface ConsentInput {
  recipient: string;
  recipientKind: RecipientKind;
  recipientType: RecipientType;
  type: ConsentType;
  status: ConsentStatus;
  /** Absent only for a new TACIR record, which then takes the moment of recording. */
  source: ConsentSource | null;
  consentDate: Date | null;
  retailerCode: number | null;
  retailerAccess: number[];
}

/** What the registry currently holds for one (brand, recipient, recipientType, type). */
export interface StoredConsent {
  status: ConsentStatus;
  source: ConsentSource | null;
  consentDate: Date;
}

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
