import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { NoticeQueue } from '../services/consent-writer.js';
import type { NotificationService } from '../services/notification.service.js';
import { createQueueWorker } from './queue-worker.js';

export const CONSENT_NOTICES_QUEUE = 'consent-notices';
/** ONAYs for one person within this window become one message. */
export const COALESCE_SECONDS = 5;

/**
 * Dispatches pending consent notices. The queue's "short" policy keeps at most one dispatch waiting, and
 * each waits COALESCE_SECONDS before it runs: a burst of ONAYs yields one dispatch, and so one message per
 * recipient. The dispatch itself is idempotent (it claims notices with SKIP LOCKED and marks them).
 */
export function createConsentNoticesJob(options: {
  boss: PgBoss;
  notifications: () => NotificationService;
  logger: Logger;
}) {
  const { boss, logger } = options;
  const queue: NoticeQueue = {
    async wake() {
      await boss.send(
        CONSENT_NOTICES_QUEUE,
        {},
        { startAfter: COALESCE_SECONDS, retryLimit: 5, retryBackoff: true },
      );
    },
  };
  const worker = createQueueWorker({
    boss,
    queue: CONSENT_NOTICES_QUEUE,
    logger,
    async handle() {
      // A large import leaves more than one claim's worth: it is read claim after claim, not one a wake-up.
      for (let more = true; more;) {
        const dispatched = await options.notifications().dispatchPending();
        if (dispatched.messages > 0) logger.info({ messages: dispatched.messages }, 'consent notices queued');
        more = dispatched.more;
        // The outbox is nearly full: the paced sender makes room, the next look comes after the window.
        if (dispatched.waitingForRoom) await queue.wake();
      }
    },
    // A wake-up lost while the database was away would leave notices waiting. Notices held for a person's
    // next day also count as pending, so this is a routine nudge, not lost work: nothing to report.
    async recover() {
      if ((await options.notifications().countPending()) > 0) await queue.wake();
      return 0;
    },
  });
  return {
    queue,
    stop: () => worker.stop(),
    async start(): Promise<void> {
      await worker.start();
    },
  };
}
