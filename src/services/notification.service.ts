import type { Kysely } from 'kysely';
import type { TokenSigner } from '../crypto/signed-token.js';
import type { Database } from '../db/types.js';
import type { ConsentType } from '../domain/consent.js';
import {
  NOTICE_PURPOSE,
  type NewOutboxMessage,
  type OutboxRepository,
} from '../repositories/outbox.repository.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';

/** How long a short link in a consent notice stays usable. */
export const SHORT_LINK_TTL_MS = 30 * 24 * 3600_000;
/** A notice lists at most this many consents; more pending ones go into the next day's message. */
const MAX_CONSENTS_PER_NOTICE = 10;
/** A person is sent at most one consent notice in this long. */
const NOTICE_INTERVAL_MS = 24 * 3600_000;
const CLAIM_BATCH = 5000;

export const SHORT_LINK_PURPOSE = 'short-link';

const CHANNEL_NAMES: Record<ConsentType, string> = { ARAMA: 'arama', MESAJ: 'SMS', EPOSTA: 'e-posta' };

interface PendingNotice {
  id: string;
  event_id: string;
  recipient_key: Buffer;
  brand_id: number;
  type: string;
  kind: 'phone' | 'email';
  brand_name: string;
  company: string;
}

/**
 * Tells recipients about the ONAYs companies record for them. Notices wait in consent_notifications; the
 * dispatcher runs at most once per coalescing window (a singleton job), so several ONAYs for one person
 * within the window become one message, with one short link that lets them refuse each, without signing in.
 * A person is sent at most one such message a day: what is recorded for them meanwhile waits for the next
 * one, and a consent recorded more than once (ONAY, RET, ONAY again) is listed once, as its latest ONAY.
 */
export function createNotificationService(deps: {
  db: Kysely<Database>;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  signer: TokenSigner;
  publicUrl: string;
  clock?: () => Date;
}) {
  const { db, outbox, messages, queue, signer, publicUrl, clock = () => new Date() } = deps;

  function compose(notices: PendingNotice[], link: string): string {
    const items = notices.map(
      (n) => `${n.brand_name} (${n.company}) – ${CHANNEL_NAMES[n.type as ConsentType] ?? n.type}`,
    );
    const head =
      items.length === 1
        ? `İYS: ${items[0]} için ticari ileti izniniz (ONAY) kaydedildi.`
        : `İYS: Adınıza şu ticari ileti izinleri (ONAY) kaydedildi: ${items.join('; ')}.`;
    return `${head} İstemiyorsanız tek dokunuşla reddedin: ${link}`;
  }

  return {
    /** Turns every pending notice into messages, one per recipient (per 10 consents); returns their count. */
    async dispatchPending(): Promise<number> {
      const created = await db.transaction().execute(async (trx) => {
        const pending: PendingNotice[] = await outbox.claimPendingNotifications(
          trx,
          CLAIM_BATCH,
          new Date(clock().getTime() - NOTICE_INTERVAL_MS),
        );
        const byRecipient = new Map<string, PendingNotice[]>();
        for (const notice of pending) {
          const hex = notice.recipient_key.toString('hex');
          byRecipient.set(hex, [...(byRecipient.get(hex) ?? []), notice]);
        }
        const rows: NewOutboxMessage[] = [];
        const links: Array<{ notificationId: string; messageId: string }> = [];
        const expiresAt = new Date(clock().getTime() + SHORT_LINK_TTL_MS);
        for (const group of byRecipient.values()) {
          const kind = group[0]!.kind;
          // One entry per consent (brand and channel): the latest notice stands for the earlier ones.
          const byConsent = new Map<string, PendingNotice[]>();
          for (const notice of group) {
            const key = `${notice.brand_id}|${notice.type}`;
            byConsent.set(key, [...(byConsent.get(key) ?? []), notice]);
          }
          const consents = [...byConsent.values()].slice(0, MAX_CONSENTS_PER_NOTICE);
          const listed = consents.map((same) => same.at(-1)!);
          const token = signer.sign(
            SHORT_LINK_PURPOSE,
            { e: listed.map((n) => n.event_id).join(',') },
            expiresAt,
          );
          const message = messages.prepare({
            channel: kind === 'phone' ? 'sms' : 'email',
            recipientKey: listed[0]!.recipient_key,
            purpose: NOTICE_PURPOSE,
            subject: 'İYS: adınıza ticari ileti izni kaydedildi',
            text: compose(listed, `${publicUrl}/r/${token}`),
          });
          rows.push(message);
          for (const notice of consents.flat())
            links.push({ notificationId: notice.id, messageId: message.id });
        }
        // Two statements for the whole claim, however many messages it makes.
        await outbox.insertMessages(trx, rows);
        await outbox.attachNotifications(trx, links);
        const ids = rows.map((row) => row.id);
        return ids;
      });
      await queue.sendSoon(created);
      return created.length;
    },

    countPending: () => outbox.countPendingNotifications(),
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
