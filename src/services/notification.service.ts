import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { ConsentType } from '../domain/consent.js';
import { foldForSms, smsLength } from '../domain/sms-length.js';
import type { ShortLinkRepository } from '../repositories/short-link.repository.js';
import type { NoticeCandidate, NoticeRepository } from '../repositories/notice.repository.js';
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

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A short link's code: 10 letters and digits, about 59 random bits. */
export const newShortLinkCode = () =>
  Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/**
 * A consent notice as one SMS: the first of these that fits one GSM-7 segment (160 characters), written
 * without the Turkish letters GSM-7 lacks, as Turkish SMS commonly are (with them every SMS would be UCS-2,
 * 70 characters a segment). Brand and company when they fit, then the brand alone, then only how many
 * consents: the link's page names them all. The e-mail notice keeps the full Turkish text.
 */
export function composeSms(
  listed: Array<Pick<NoticeCandidate, 'brand_name' | 'company' | 'type'>>,
  link: string,
) {
  const channel = (n: (typeof listed)[number]) => CHANNEL_NAMES[n.type as ConsentType] ?? n.type;
  const tail = `Istemiyorsaniz reddedin: ${link}`;
  const one = listed.length === 1 ? listed[0]! : undefined;
  const candidates = one
    ? [
        `IYS: ${one.brand_name} (${one.company}) ${channel(one)} izniniz kaydedildi. ${tail}`,
        `IYS: ${one.brand_name} ${channel(one)} izniniz kaydedildi. ${tail}`,
      ]
    : [
        `IYS: Adiniza ${listed.length} izin kaydedildi: ${listed.map((n) => `${n.brand_name} ${channel(n)}`).join(', ')}. ${tail}`,
      ];
  const fallback = `IYS: Adiniza ${listed.length} ticari ileti izni kaydedildi. ${tail}`;
  const texts = [...candidates, fallback].map(foldForSms);
  return (
    texts.find((text) => smsLength(text).segments === 1 && smsLength(text).encoding === 'GSM-7') ??
    texts.at(-1)!
  );
}

/**
 * Tells recipients about the ONAYs companies record for them. Notices are read from the event log past a
 * cursor (nothing is written for them on the write path); the dispatcher runs at most once per coalescing
 * window (a singleton job), so several ONAYs for one person within the window become one message, with one
 * short link that lets them refuse each, without signing in. A person is sent at most one such message a
 * day: what is recorded for them meanwhile is held (written down) for the next one, and a consent recorded
 * more than once (ONAY, RET, ONAY again) is listed once, as its latest ONAY.
 */
export function createNotificationService(deps: {
  db: Kysely<Database>;
  outbox: OutboxRepository;
  notices: NoticeRepository;
  messages: OutboxService;
  queue: MessageQueue;
  shortLinks: ShortLinkRepository;
  publicUrl: string;
  /**
   * How many notice messages may wait to be sent: about a minute of the sender's pace. Notices beyond it
   * wait in the log, where they cost nothing and keep coalescing, not as messages in the outbox.
   */
  maxQueuedMessages: number;
  clock?: () => Date;
}) {
  const { db, outbox, notices, messages, queue, shortLinks, publicUrl, maxQueuedMessages } = deps;
  const { clock = () => new Date() } = deps;
  /** The fewest notices worth a claim: a quarter of what the outbox may hold (15 s of the sender's pace). */
  const minimumClaim = Math.max(1, Math.floor(Math.min(CLAIM_BATCH, maxQueuedMessages) / 4));

  function compose(listed: NoticeCandidate[], link: string): string {
    const items = listed.map(
      (n) => `${n.brand_name} (${n.company}) – ${CHANNEL_NAMES[n.type as ConsentType] ?? n.type}`,
    );
    const head =
      items.length === 1
        ? `İYS: ${items[0]} için ticari ileti izniniz (ONAY) kaydedildi.`
        : `İYS: Adınıza şu ticari ileti izinleri (ONAY) kaydedildi: ${items.join('; ')}.`;
    return `${head} İstemiyorsanız tek dokunuşla reddedin: ${link}`;
  }

  return {
    /**
     * Turns the notices that can go now — held ones whose wait is over, then new ones from the log — into
     * messages, one per recipient (per 10 consents), holds the rest, and moves the cursor past what it read.
     * Returns the number of messages, whether the log has more to read now, and whether it read nothing
     * because the outbox has no room for a claim worth its queries yet (look again once the sender works).
     */
    async dispatchPending(): Promise<{ messages: number; more: boolean; waitingForRoom?: true }> {
      const room = Math.min(CLAIM_BATCH, maxQueuedMessages - (await outbox.countPendingNotices()));
      // Under a backlog the sender frees a few places at a time; reading the log (a page with its joins and
      // this count) for each few cost ~100 µs of PostgreSQL per consent written meanwhile at 10 M stored.
      if (room < minimumClaim) return { messages: 0, more: false, waitingForRoom: true };
      const created = await db.transaction().execute(async (trx) => {
        const now = clock();
        const lastNoticeBefore = new Date(now.getTime() - NOTICE_INTERVAL_MS);
        const cursor = await notices.lockCursor(trx);
        const held = await notices.claimHeld(trx, room, lastNoticeBefore);
        const logged = await notices.readFromLog(trx, cursor, room, lastNoticeBefore);
        const last = logged.at(-1);
        if (last) await notices.moveCursor(trx, { tx: last.tx, event_id: last.event_id });
        const fresh = logged.filter((n) => !n.historical);
        const toHold: NoticeCandidate[] = fresh.filter((n) => n.held);

        const byRecipient = new Map<string, NoticeCandidate[]>();
        for (const notice of [...held, ...fresh.filter((n) => !n.held)]) {
          const hex = notice.recipient_key.toString('hex');
          groupInto(byRecipient, hex, notice);
        }
        const rows: NewOutboxMessage[] = [];
        const links: Array<{ code: string; eventIds: string[]; expiresAt: Date }> = [];
        const sent: Array<{ id: string; messageId: string }> = [];
        const expiresAt = new Date(now.getTime() + SHORT_LINK_TTL_MS);
        for (const group of byRecipient.values()) {
          const kind = group[0]!.kind;
          // One entry per consent (brand and channel): the latest notice stands for the earlier ones.
          const byConsent = new Map<string, NoticeCandidate[]>();
          for (const notice of group) {
            const key = `${notice.brand_id}|${notice.type}`;
            groupInto(byConsent, key, notice);
          }
          const all = [...byConsent.values()];
          const consents = all.slice(0, MAX_CONSENTS_PER_NOTICE);
          const listed = consents.map((same) => same.at(-1)!);
          const code = newShortLinkCode();
          links.push({ code, eventIds: listed.map((n) => n.event_id), expiresAt });
          const link = `${publicUrl}/r/${code}`;
          const message = messages.prepare({
            channel: kind === 'phone' ? 'sms' : 'email',
            recipientKey: listed[0]!.recipient_key,
            purpose: NOTICE_PURPOSE,
            subject: 'İYS: adınıza ticari ileti izni kaydedildi',
            text: kind === 'phone' ? composeSms(listed, link) : compose(listed, link),
          });
          rows.push(message);
          for (const notice of consents.flat())
            if (notice.id !== null) sent.push({ id: notice.id, messageId: message.id });
          // More than a message lists waits for the person's next one.
          toHold.push(
            ...all
              .slice(MAX_CONSENTS_PER_NOTICE)
              .flat()
              .filter((n) => n.id === null),
          );
        }
        // A handful of statements for the whole claim, however many messages it makes.
        await shortLinks.insert(trx, links);
        await outbox.insertMessages(trx, rows);
        await notices.markSent(trx, sent);
        await notices.hold(trx, toHold, now);
        return { ids: rows.map((row) => row.id), more: logged.length === room };
      });
      await queue.sendSoon(created.ids);
      return { messages: created.ids.length, more: created.more };
    },

    countPending: () => notices.countPending(),
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;

/** Appends to the group under `key` (a claim of 5,000 notices must not copy a list per notice). */
function groupInto<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}
