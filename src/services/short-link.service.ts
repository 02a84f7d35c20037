import type { FieldCipher } from '../crypto/field-cipher.js';
import type { TokenSigner } from '../crypto/signed-token.js';
import type { ConsentType, RecipientType } from '../domain/consent.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { ShortLinkRepository } from '../repositories/short-link.repository.js';
import type { CitizenService } from './citizen.service.js';
import { SHORT_LINK_PURPOSE } from './notification.service.js';

export interface ShortLinkItem {
  eventId: string;
  brandName: string;
  company: string;
  recipientType: string;
  type: string;
  status: string;
  consentDate: Date;
  /** True while the ONAY the link was sent for is still the record in force. */
  canReject: boolean;
}

/** "+905321234567" → "+90 532 *** ** 67"; "ali.veli@example.com" → "al***@example.com". */
export function maskAddress(address: string): string {
  if (address.startsWith('+'))
    return `${address.slice(0, 3)} ${address.slice(3, 6)} *** ** ${address.slice(-2)}`;
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 2)}***@${domain}`;
}

/**
 * The one-tap opt-out behind `/r/<code>`. A code (or, for links sent before codes, a signed token) names the
 * ONAY events a notice was about; it can refuse
 * each of them exactly while that ONAY is still in force, and nothing else: once refused (or changed in any
 * other way) the consent's last event moves on and the token is spent. No sign-in is needed.
 */
export function createShortLinkService(deps: {
  signer: TokenSigner;
  consents: ConsentRepository;
  providers: ProviderRepository;
  cipher: FieldCipher;
  citizens: Pick<CitizenService, 'recordCitizenChanges'>;
  shortLinks: ShortLinkRepository;
  clock?: () => Date;
}) {
  const { signer, consents, providers, cipher, citizens, shortLinks, clock = () => new Date() } = deps;

  /** A code (links sent now) or a signed token (links sent before codes, still valid for their 30 days). */
  async function eventIdsOf(token: string): Promise<string[]> {
    if (/^[A-Za-z0-9]{10}$/.test(token)) {
      const ids = await shortLinks.find(token, clock());
      if (!ids) throw IysRequestError.of('H920');
      return ids.map(String);
    }
    const payload = signer.verify(SHORT_LINK_PURPOSE, token, clock());
    const ids = typeof payload?.e === 'string' ? payload.e.split(',') : [];
    if (ids.length === 0 || ids.some((id) => !/^\d+$/.test(id))) throw IysRequestError.of('H920');
    return ids;
  }

  async function load(eventId: string) {
    const event = await consents.findEventById(eventId);
    if (!event) return undefined;
    const current = await consents.findOne(event.brand_id, {
      recipientKey: event.recipient_key,
      recipientType: event.recipient_type,
      type: event.type,
    });
    const brand = await providers.findBrandById(event.brand_id);
    return current && brand ? { event, current, brand } : undefined;
  }

  return {
    async resolve(token: string): Promise<{ address: string; items: ShortLinkItem[] }> {
      const loaded = (await Promise.all((await eventIdsOf(token)).map(load))).filter((x) => x !== undefined);
      if (loaded.length === 0) throw IysRequestError.of('H920');
      const first = loaded[0]!.current;
      return {
        address: maskAddress(cipher.openAddress(first.recipient_key, first.address_enc)),
        items: loaded.map(({ event, current, brand }) => ({
          eventId: event.id,
          brandName: brand.name,
          company: brand.company,
          recipientType: current.recipient_type,
          type: current.type,
          status: current.status,
          consentDate: current.consent_date,
          canReject: current.last_event_id === event.id && current.status === 'ONAY',
        })),
      };
    },

    /** Records RET (source IYS_KISA_LINK) for one consent named by the token; the refusal's event id. */
    async reject(token: string, eventId: unknown): Promise<string> {
      if (typeof eventId !== 'string' || !(await eventIdsOf(token)).includes(eventId))
        throw IysRequestError.of('H920');
      const loaded = await load(eventId);
      if (!loaded) throw IysRequestError.of('H920');
      const { current } = loaded;
      if (current.last_event_id !== eventId || current.status !== 'ONAY') throw IysRequestError.of('H921');
      const [refusal] = await citizens.recordCitizenChanges(
        { recipientKey: current.recipient_key, addressEnc: current.address_enc, kind: current.kind },
        [
          {
            brandId: current.brand_id,
            recipientType: current.recipient_type as RecipientType,
            type: current.type as ConsentType,
            status: 'RET',
            expectedLastEventId: eventId,
          },
        ],
        'IYS_KISA_LINK',
        null,
      );
      return refusal!;
    },
  };
}

export type ShortLinkService = ReturnType<typeof createShortLinkService>;
