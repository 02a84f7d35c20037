import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import type { ConsentSource, ConsentType, RecipientKind, RecipientType } from '../domain/consent.js';
import { isPlainObject } from '../domain/consent-input.js';
import { IysRequestError } from '../domain/iys-errors.js';
import { parseOverIysRequest } from '../domain/iys-yolu.js';
import { truncateToSecond } from '../domain/wire-date.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { IysYoluRepository } from '../repositories/iys-yolu.repository.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import { lockForWrite, newTransactionId, writeConsents, type WriterDeps } from './consent-writer.js';
import type { AbuseGuard } from './abuse-guard.service.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';
import { requireChannelRight, type BrandScope } from './tenancy.service.js';
import { isUuid } from '../domain/uuid.js';

export const YOLU_CODE_TTL_MS = 3 * 60_000;
export const YOLU_MAX_PER_DAY = 2;
export const YOLU_RESEND_INTERVAL_MS = 3 * 60_000;
const MAX_ATTEMPTS = 5;

/**
 * İYS Yolu (iys-api.md §3.8): the registry collects a consent itself. `start` sends the recipient a
 * one-time code through the citizen side's SMS / e-mail adapters; `complete` records an ONAY per channel
 * with the registry source once the provider passes back the code the person gave it. At most two a day
 * per recipient and brand, never two within 3 minutes (H453, H465).
 */
export function createIysYoluService(deps: {
  db: Kysely<Database>;
  requests: IysYoluRepository;
  consents: ConsentRepository;
  writer: WriterDeps;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  signingKey: Buffer;
  guard: AbuseGuard;
  clock?: () => Date;
}) {
  const { db, requests, consents, writer, outbox, messages, queue, cipher, signingKey, guard } = deps;
  const clock = deps.clock ?? (() => new Date());
  const hashCode = (id: string, code: string) =>
    createHmac('sha256', signingKey).update(`iys-yolu:${id}:${code}`).digest();

  return {
    async start(scope: BrandScope, apiUserId: number, body: unknown): Promise<{ requestId: string }> {
      const parsed = parseOverIysRequest(body);
      if (!parsed.ok) throw new IysRequestError(parsed.errors);
      const request = parsed.value;
      for (const type of request.types) requireChannelRight(scope, type);
      const now = clock();
      const { recipientKey, addressEnc } = cipher.sealAddress(request.recipient);
      const recent = await requests.listStartTimes(
        scope.brand.id,
        recipientKey,
        new Date(now.getTime() - 24 * 3600_000),
      );
      if (recent[0] && now.getTime() - recent[0].getTime() < YOLU_RESEND_INTERVAL_MS)
        throw IysRequestError.of('H465', { location: ['recipient'] });
      if (recent.length >= YOLU_MAX_PER_DAY) throw IysRequestError.of('H453', { location: ['recipient'] });
      await guard.codeForProvider(scope.provider.iys_code);

      const id = randomUUID();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const channels = request.types
        .map((t) => ({ ARAMA: 'arama', MESAJ: 'SMS', EPOSTA: 'e-posta' })[t])
        .join(', ');
      const message = messages.prepare({
        channel: request.kind === 'phone' ? 'sms' : 'email',
        recipientKey,
        purpose: 'otp',
        subject: `${scope.brand.name}: İYS onay kodu`,
        // The registry-verified company title beside the brand name the company chose.
        text:
          `${scope.brand.name} (${scope.provider.title}) size ${channels} ile ticari ileti göndermek için onayınızı istiyor. ` +
          `Onaylıyorsanız bu kodu yalnızca ona verin: ${code} (3 dakika geçerli). İYS`,
      });
      await db.transaction().execute(async (trx) => {
        await consents.insertRecipients(trx, [{ recipientKey, addressEnc, kind: request.kind }]);
        await requests.insertRequest(trx, {
          id,
          brand_id: scope.brand.id,
          api_user_id: apiUserId,
          recipient_key: recipientKey,
          recipient_type: request.recipientType,
          types: request.types,
          source: request.source,
          code_hash: hashCode(id, code),
          expires_at: new Date(now.getTime() + YOLU_CODE_TTL_MS),
          created_at: now,
        });
        await outbox.insertMessages(trx, [message]);
      });
      await queue.sendSoon([message.id]);
      return { requestId: id };
    },

    async complete(scope: BrandScope, body: unknown) {
      const { requestId, verificationCode } = isPlainObject(body) ? body : {};
      if (!isUuid(requestId)) throw IysRequestError.of('H454', { location: ['requestId'], value: requestId });
      const code =
        typeof verificationCode === 'string' || typeof verificationCode === 'number'
          ? String(verificationCode)
          : '';
      if (!/^\d{6}$/.test(code)) throw IysRequestError.of('H455', { location: ['verificationCode'] });

      const outcome = await db.transaction().execute(async (trx) => {
        const recipientKey = await requests.findRecipientKey(trx, requestId, scope.brand.id);
        if (!recipientKey) return { refused: 'H456' as const };
        const lock = await lockForWrite(trx, writer, [
          { brandId: scope.brand.id, recipientKeys: [recipientKey] },
        ]);
        const request = await requests.lockRequest(trx, requestId, scope.brand.id);
        if (!request || request.completed_at) return { refused: 'H456' as const };
        const now = clock();
        if (request.expires_at <= now || request.attempts >= MAX_ATTEMPTS)
          return { refused: 'H460' as const };
        if (!timingSafeEqual(hashCode(request.id, code), request.code_hash)) {
          await requests.countAttempt(trx, request.id);
          return { refused: 'H455' as const };
        }
        await requests.complete(trx, request.id, now);
        // The person gave the code to the provider: an ONAY witnessed by the registry, dated now.
        const consentDate = truncateToSecond(now);
        const written = await writeConsents(trx, writer, lock, {
          brandId: scope.brand.id,
          activatedAt: scope.provider.activated_at ?? now,
          receivedAt: now,
          now,
          actor: { kind: 'citizen', id: `iys-yolu:${request.id}` },
          consents: request.types.map((type) => ({
            recipientKey: request.recipient_key,
            addressEnc: request.address_enc,
            recipientKind: request.kind as RecipientKind,
            recipientType: request.recipient_type as RecipientType,
            type: type as ConsentType,
            status: 'ONAY',
            source: request.source as ConsentSource,
            consentDate,
            retailerCode: null,
            retailerAccess: [],
            transactionId: newTransactionId(),
          })),
        });
        return { refused: null, written, types: request.types };
      });
      // A wrong code must be counted even though the answer is a refusal: commit first, then refuse.
      if (outcome.refused) throw IysRequestError.of(outcome.refused, { location: ['verificationCode'] });
      const failed = outcome.written.outcomes.flatMap((o) => (o.ok ? [] : o.errors));
      const recorded = outcome.written.outcomes.flatMap((o, i) =>
        o.ok
          ? [{ type: outcome.types[i]!, transactionId: o.transactionId, creationDate: o.creationDate }]
          : [],
      );
      if (recorded.length === 0) throw new IysRequestError(failed);
      return {
        requestId,
        transactionId: recorded[0]!.transactionId,
        creationDate: recorded[0]!.creationDate,
        list: recorded,
        errors: failed,
      };
    },
  };
}

export type IysYoluService = ReturnType<typeof createIysYoluService>;
