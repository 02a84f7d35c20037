import { FingerprintTable } from './fingerprint-table.js';
import type { ConsentStatus, ConsentType, RecipientType } from '../../domain/consent.js';

/** What the index knows of one (brand, recipient type, channel, address): its status and since when. */
export interface IndexedConsent {
  status: ConsentStatus;
  /** consentDate, whole seconds since the epoch. */
  since: number;
}

export interface ChannelEntries {
  individual: FingerprintTable | undefined;
  trader: FingerprintTable | undefined;
}

export function unpackConsent(packed: number): IndexedConsent {
  return { status: packed % 2 === 1 ? 'ONAY' : 'RET', since: Math.floor(packed / 2) };
}

const TYPE_CODES: Record<ConsentType, number> = { ARAMA: 0, MESAJ: 1, EPOSTA: 2 };
const RECIPIENT_TYPE_CODES: Record<RecipientType, number> = { BIREYSEL: 0, TACIR: 1 };

/**
 * The gateway's in-process copy of the current consent state. Compact by design: one fingerprint table per
 * (brand, recipient type, channel), keyed by the blind index, with status and date packed into one number
 * (date × 2 + ONAY bit) — no objects or strings per entry.
 */
export class ConsentIndex {
  private readonly partitions = new Map<number, FingerprintTable>();

  private static partitionKey(brandId: number, recipientType: RecipientType, type: ConsentType): number {
    return brandId * 8 + RECIPIENT_TYPE_CODES[recipientType] * 4 + TYPE_CODES[type];
  }

  set(
    brandId: number,
    recipientType: RecipientType,
    type: ConsentType,
    recipientKey: Buffer,
    consent: IndexedConsent,
  ): void {
    const key = ConsentIndex.partitionKey(brandId, recipientType, type);
    let partition = this.partitions.get(key);
    if (!partition) this.partitions.set(key, (partition = new FingerprintTable()));
    partition.setByKey(recipientKey, consent.since * 2 + (consent.status === 'ONAY' ? 1 : 0));
  }

  /** One entry; `recipientKey` as the blind index or its latin1 string (`FieldCipher.blindIndexId`). */
  get(
    brandId: number,
    recipientType: RecipientType,
    type: ConsentType,
    recipientKey: Buffer | string,
  ): IndexedConsent | undefined {
    const partition = this.partitions.get(ConsentIndex.partitionKey(brandId, recipientType, type));
    const packed =
      typeof recipientKey === 'string' ? partition?.get(recipientKey) : partition?.getByKey(recipientKey);
    return packed === undefined ? undefined : unpackConsent(packed);
  }

  /**
   * The packed entries a check of one brand and channel reads (`unpackConsent` opens one), resolved once per
   * request so that each recipient costs one map look-up per recipient type that has any entry.
   */
  channel(brandId: number, type: ConsentType): ChannelEntries {
    return {
      individual: this.partitions.get(ConsentIndex.partitionKey(brandId, 'BIREYSEL', type)),
      trader: this.partitions.get(ConsentIndex.partitionKey(brandId, 'TACIR', type)),
    };
  }

  get size(): number {
    let size = 0;
    for (const partition of this.partitions.values()) size += partition.size;
    return size;
  }
}
