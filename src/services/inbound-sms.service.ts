import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import type { ConsentType, RecipientType } from '../domain/consent.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { parseRecipient } from '../domain/recipient.js';
import { normaliseBrandName, parseSmsCommand } from '../domain/sms-command.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { CitizenService } from './citizen.service.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';

const HELP =
  'İYS: Bir markanın size SMS ve arama iznini reddetmek için RET <marka kodu> veya RET <marka adı> yazın. ' +
  'ONAY verdiğiniz markaları görmek için RET yazın.';

export interface InboundSmsResult {
  action: 'rejected' | 'listed' | 'help' | 'unknown-brand' | 'nothing-to-reject' | 'ambiguous-brand';
  reply: string;
}

/**
 * The SMS keyword channel: texts from citizens, relayed by the SMS operator. A RET refuses a brand's MESAJ
 * and ARAMA consents for the sending number (source IYS_KISAMESAJ); every text gets an SMS reply. A text
 * that does not parse changes nothing and gets the help text.
 */
export function createInboundSmsService(deps: {
  db: Kysely<Database>;
  consents: ConsentRepository;
  providers: ProviderRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  citizens: Pick<CitizenService, 'recordCitizenChanges'>;
  /** The link to the withdrawal receipts of the refusals a reply confirms. */
  receiptLink: (eventIds: string[]) => string;
}) {
  const { db, consents, providers, outbox, messages, queue, cipher, citizens, receiptLink } = deps;

  async function decide(
    address: { recipientKey: Buffer; addressEnc: Buffer },
    text: string,
  ): Promise<InboundSmsResult> {
    const command = parseSmsCommand(text);
    if (command.kind === 'help') return { action: 'help', reply: HELP };

    const held = (await consents.listForRecipients([address.recipientKey])).filter(
      (c) => c.type !== 'EPOSTA',
    );
    if (command.kind === 'list') {
      const approved = [
        ...new Map(held.filter((c) => c.status === 'ONAY').map((c) => [c.brand_code, c])).values(),
      ];
      return {
        action: 'listed',
        reply:
          approved.length === 0
            ? 'İYS: Bu numara için kayıtlı ONAY bulunmuyor.'
            : `İYS: ONAY verdiğiniz markalar: ${approved.map((c) => `${c.brand_name} (${c.brand_code})`).join(', ')}. Reddetmek için RET <marka kodu> yazın.`,
      };
    }

    let brand;
    if (command.kind === 'reject-brand-code') {
      brand = await providers.findBrandByCode(command.brandCode);
    } else {
      const wanted = normaliseBrandName(command.brandName);
      const matches = (await providers.listAllBrands()).filter((b) => normaliseBrandName(b.name) === wanted);
      if (matches.length > 1) {
        return {
          action: 'ambiguous-brand',
          reply: `İYS: Bu adla birden fazla marka var: ${matches.map((b) => `${b.name} (${b.brand_code})`).join(', ')}. RET <marka kodu> yazın.`,
        };
      }
      brand = matches[0];
    }
    const label = command.kind === 'reject-brand-code' ? String(command.brandCode) : command.brandName;
    if (!brand)
      return { action: 'unknown-brand', reply: `İYS: "${label}" adlı/kodlu marka bulunamadı. ${HELP}` };

    const toReject = held.filter((c) => c.brand_id === brand.id && c.status === 'ONAY');
    if (toReject.length === 0) {
      return {
        action: 'nothing-to-reject',
        reply: `İYS: ${brand.name} için bu numarada kayıtlı ONAY bulunmuyor.`,
      };
    }
    const refusals = await citizens.recordCitizenChanges(
      { ...address, kind: 'phone' },
      toReject.map((c) => ({
        brandId: c.brand_id,
        recipientType: c.recipient_type as RecipientType,
        type: c.type as ConsentType,
        status: 'RET' as const,
      })),
      'IYS_KISAMESAJ',
      null,
    );
    return {
      action: 'rejected',
      reply: `İYS: ${brand.name} için SMS ve arama izinleriniz reddedildi (RET). Makbuz: ${receiptLink(refusals)}`,
    };
  }

  return {
    async handle(from: unknown, text: unknown): Promise<InboundSmsResult> {
      const sender = parseRecipient(from, ['from']);
      if (!sender.ok || sender.kind !== 'phone') {
        throw new IysRequestError([
          sender.ok
            ? { code: 'H121', message: 'from bir telefon numarası olmalıdır.', location: ['from'] }
            : sender.error,
        ]);
      }
      if (typeof text !== 'string' || text.length > 1000)
        throw IysRequestError.of('H923', { location: ['text'] });
      const sealed = cipher.sealAddress(sender.address);
      await consents.insertRecipients(db, [{ ...sealed, kind: 'phone' }]);
      const result = await decide(sealed, text);
      const reply = messages.prepare({
        channel: 'sms',
        recipientKey: sealed.recipientKey,
        purpose: 'sms-reply',
        text: result.reply,
      });
      await outbox.insertMessages(db, [reply]);
      await queue.sendSoon([reply.id]);
      return result;
    },
  };
}

export type InboundSmsService = ReturnType<typeof createInboundSmsService>;
