import type { ConsentStatus, ConsentType, RecipientType } from '../../domain/consent.js';

/** What the index knows of one (brand, recipient type, channel, address): its status and since when. */
export interface IndexedConsent {
  status: ConsentStatus;
  /** consentDate, whole seconds since the epoch. */
  since: number;
}

const TYPE_CODES: Record<ConsentType, number> = { ARAMA: 0, MESAJ: 1, EPOSTA: 2 };
const RECIPIENT_TYPE_CODES: Record<RecipientType, number> = { BIREYSEL: 0, TACIR: 1 };

/**
 * The gateway's in-process copy of the current consent state. Compact by design: one Map per (brand,
 * recipient type, channel), keyed by the blind index as a latin1 string (32 characters, one byte each), with
 * status and date packed into one number (date × 2 + ONAY bit) — no objects per entry.
 */
export class ConsentIndex {
  private readonly partitions = new Map<number, Map<string, number>>();
  private count = 0;

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
    if (!partition) this.partitions.set(key, (partition = new Map()));
    const id = recipientKey.toString('latin1');
    if (!partition.has(id)) this.count++;
    partition.set(id, consent.since * 2 + (consent.status === 'ONAY' ? 1 : 0));
  }

  get(
    brandId: number,
    recipientType: RecipientType,
    type: ConsentType,
    recipientKey: Buffer,
  ): IndexedConsent | undefined {
    const packed = this.partitions
      .get(ConsentIndex.partitionKey(brandId, recipientType, type))
      ?.get(recipientKey.toString('latin1'));
    if (packed === undefined) return undefined;
    return { status: packed % 2 === 1 ? 'ONAY' : 'RET', since: Math.floor(packed / 2) };
  }

  get size(): number {
    return this.count;
  }
}
