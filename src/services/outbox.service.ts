import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { NewOutboxMessage, OutboxRepository } from '../repositories/outbox.repository.js';
import type { MessageSender } from './messaging/message-sender.js';

export interface MessageDraft {
  channel: 'sms' | 'email';
  recipientKey: Buffer;
  purpose:
    | 'otp'
    | 'consent-notice'
    | 'sms-reply'
    | 'complaint-update'
    | 'portal-invitation'
    | 'portal-password-reset'
    | 'provider-notice'
    | 'application-confirmation';
  subject?: string;
  text: string;
}

/** Hands stored messages to the send worker. */
export interface MessageQueue {
  sendSoon(messageIds: string[]): Promise<void>;
}

/** Max attempts before a message is marked failed (the job retries with exponential backoff). */
export const MAX_SEND_ATTEMPTS = 6;

/**
 * Every SMS and e-mail is first an outbox row, written in the transaction of whatever caused it, with its
 * subject and body encrypted (a body can hold a one-time code or a link that acts for the citizen). A job
 * then delivers it; a crash before delivery leaves the row pending, and start-up queues it again.
 */
export function createOutboxService(deps: {
  outbox: OutboxRepository;
  cipher: FieldCipher;
  senders: Record<'sms' | 'email', MessageSender>;
  clock?: () => Date;
}) {
  const { outbox, cipher, senders, clock = () => new Date() } = deps;
  const aad = (id: string) => Buffer.from(`outbox:${id}`);

  return {
    /** Seals a draft into a row for insertMessages(); the caller writes it in its own transaction. */
    prepare(draft: MessageDraft): NewOutboxMessage {
      const id = randomUUID();
      return {
        id,
        channel: draft.channel,
        recipient_key: draft.recipientKey,
        purpose: draft.purpose,
        subject_enc: draft.subject === undefined ? null : cipher.encrypt(draft.subject, aad(id)),
        body_enc: cipher.encrypt(draft.text, aad(id)),
        created_at: clock(),
      };
    },

    /**
     * Delivers one message. Idempotent: a message already sent (or given up on) is skipped. Throws after a
     * failed attempt so the job is retried; the last attempt marks the message failed.
     */
    async deliver(messageId: string, attempt: number): Promise<'sent' | 'skipped'> {
      const message = await outbox.findMessage(messageId);
      if (!message || message.status !== 'pending') return 'skipped';
      const to = cipher.openAddress(message.recipient_key, message.address_enc);
      try {
        await senders[message.channel].send({
          channel: message.channel,
          to,
          subject: message.subject_enc ? cipher.decrypt(message.subject_enc, aad(message.id)) : undefined,
          text: cipher.decrypt(message.body_enc, aad(message.id)),
        });
      } catch (error) {
        // The error text comes from the adapter; it must not carry the address, so only its kind is kept.
        const reason = error instanceof Error ? error.message.replaceAll(to, '<recipient>') : 'send failed';
        await outbox.markFailedAttempt(message.id, reason, attempt >= MAX_SEND_ATTEMPTS);
        throw new Error(`delivery of ${message.id} failed: ${reason}`);
      }
      await outbox.markSent(message.id, clock());
      return 'sent';
    },

    listPendingMessageIds: (filter: { createdBefore?: Date; notices: boolean }) =>
      outbox.listPendingMessageIds(filter),
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
