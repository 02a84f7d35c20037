import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { RecipientKind } from '../domain/consent.js';
import type { CitizenRepository } from '../repositories/citizen.repository.js';
import type { ConsentRepository } from '../repositories/consent.repository.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';

export const CODE_TTL_MS = 3 * 60_000;
export const MAX_ATTEMPTS = 5;
/** No new code for an address within this long of the last one. */
export const RESEND_INTERVAL_MS = 3 * 60_000;
export const MAX_CODES_PER_DAY = 5;

export interface VerifiedAddress {
  recipientKey: Buffer;
  purpose: 'sign-in' | 'add-address';
  citizenId: string | null;
}

/**
 * Proves that a person controls a phone number or e-mail address with a one-time code. A national identity
 * provider proves a whole identity instead, with the addresses registered to it (oidc-identity.service.ts).
 */
export interface IdentityProvider {
  startVerification(request: {
    address: string;
    kind: RecipientKind;
    purpose: 'sign-in' | 'add-address';
    citizenId: string | null;
  }): Promise<{ challengeId: string; expiresAt: Date }>;
  completeVerification(challengeId: string, code: string): Promise<VerifiedAddress>;
}

export function createOtpIdentityProvider(deps: {
  db: Kysely<Database>;
  citizens: CitizenRepository;
  consents: ConsentRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  signingKey: Buffer;
  clock?: () => Date;
}): IdentityProvider {
  const {
    db,
    citizens,
    consents,
    outbox,
    messages,
    queue,
    cipher,
    signingKey,
    clock = () => new Date(),
  } = deps;
  const hashCode = (challengeId: string, code: string) =>
    createHmac('sha256', signingKey).update(`otp:${challengeId}:${code}`).digest();

  return {
    async startVerification({ address, kind, purpose, citizenId }) {
      const now = clock();
      const { recipientKey, addressEnc } = cipher.sealAddress(address);
      const recent = await citizens.listChallengeTimes(recipientKey, new Date(now.getTime() - 24 * 3600_000));
      const last = recent[0];
      if (last && now.getTime() - last.getTime() < RESEND_INTERVAL_MS) {
        const wait = Math.ceil((RESEND_INTERVAL_MS - (now.getTime() - last.getTime())) / 1000);
        throw IysRequestError.of('H913', { value: wait, vars: { seconds: String(wait) } });
      }
      if (recent.length >= MAX_CODES_PER_DAY) throw IysRequestError.of('H914');

      const challengeId = randomUUID();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
      const message = messages.prepare({
        channel: kind === 'phone' ? 'sms' : 'email',
        recipientKey,
        purpose: 'otp',
        subject: 'İYS doğrulama kodu',
        text: `İYS doğrulama kodunuz: ${code}. Kod 3 dakika geçerlidir; kimseyle paylaşmayın.`,
      });
      await db.transaction().execute(async (trx) => {
        await consents.insertRecipients(trx, [{ recipientKey, addressEnc, kind }]);
        await citizens.insertChallenge(trx, {
          id: challengeId,
          purpose,
          citizen_id: citizenId,
          recipient_key: recipientKey,
          code_hash: hashCode(challengeId, code),
          expires_at: expiresAt,
          created_at: now,
        });
        await outbox.insertMessages(trx, [message]);
      });
      await queue.sendSoon([message.id]);
      return { challengeId, expiresAt };
    },

    async completeVerification(challengeId, code) {
      if (!/^[0-9a-f-]{36}$/i.test(challengeId))
        throw IysRequestError.of('H910', { location: ['challengeId'] });
      return db
        .transaction()
        .execute(async (trx) => {
          const challenge = await citizens.lockChallenge(trx, challengeId);
          if (!challenge || challenge.consumed_at)
            throw IysRequestError.of('H910', { location: ['challengeId'] });
          if (challenge.expires_at <= clock()) throw IysRequestError.of('H911');
          if (challenge.attempts >= MAX_ATTEMPTS) throw IysRequestError.of('H912');
          const matches =
            /^\d{6}$/.test(code) && timingSafeEqual(hashCode(challengeId, code), challenge.code_hash);
          if (!matches) {
            await citizens.countAttempt(trx, challengeId);
            const left = MAX_ATTEMPTS - challenge.attempts - 1;
            // The failed attempt must be counted even though the request is refused: commit, then refuse.
            return { refused: left > 0 ? ('H915' as const) : ('H912' as const), left };
          }
          await citizens.consumeChallenge(trx, challengeId, clock());
          return {
            refused: null,
            verified: {
              recipientKey: challenge.recipient_key,
              purpose: challenge.purpose,
              citizenId: challenge.citizen_id,
            },
          };
        })
        .then((result) => {
          if (result.refused) {
            throw IysRequestError.of(result.refused, {
              location: ['code'],
              vars: { left: String(result.left ?? 0) },
            });
          }
          return result.verified!;
        });
    },
  };
}
