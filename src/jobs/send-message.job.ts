import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { MessageQueue, OutboxService } from '../services/outbox.service.js';
import { MAX_SEND_ATTEMPTS } from '../services/outbox.service.js';
import { createQueueWorker } from './queue-worker.js';

/** Messages a person is waiting for: one-time codes, invitations, complaint answers, … */
export const SEND_MESSAGE_QUEUE = 'send-message';
/** ONAY notices: their own queue, paced, so that a flood of them never delays the messages above. */
export const SEND_NOTICE_QUEUE = 'send-notice';
/** ONAY notices per second unless configured: a 5 M-row import's notices go out over a day, not at once. */
export const DEFAULT_NOTICES_PER_SECOND = 50;

export interface SendMessagePayload {
  /** Outbox rows; the job never carries an address or a text. */
  messageIds: string[];
}

/** Messages per job: a burst of 200,000 notices is 4,000 jobs, not 200,000. */
const MESSAGES_PER_JOB = 50;

/**
 * Delivers outbox messages from one queue: `SEND_MESSAGE_QUEUE` for what people wait for, or
 * `SEND_NOTICE_QUEUE` for ONAY notices, paced at `perSecond` (the two have separate workers, so codes go out
 * at once however many notices are waiting). Retries with exponential backoff (5 s, 10 s, 20 s, …) up to
 * MAX_SEND_ATTEMPTS; the outbox row records every failure, so a message that could not be delivered is
 * visible.
 */
export function createSendMessageJob(options: {
  boss: PgBoss;
  outbox: () => OutboxService;
  logger: Logger;
  queueName?: typeof SEND_MESSAGE_QUEUE | typeof SEND_NOTICE_QUEUE;
  /** Messages per second at most (unset: as fast as the sender takes them). */
  perSecond?: number;
}) {
  const { boss, logger, queueName = SEND_MESSAGE_QUEUE, perSecond } = options;
  const notices = queueName === SEND_NOTICE_QUEUE;
  // The pace: the earliest moment the next message may go.
  let nextSendAt = 0;
  const pace = async () => {
    if (!perSecond) return;
    const now = Date.now();
    const wait = nextSendAt - now;
    nextSendAt = Math.max(now, nextSendAt) + 1000 / perSecond;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };

  const worker = createQueueWorker<SendMessagePayload>({
    boss,
    queue: queueName,
    logger,
    batchSize: 5,
    async handle(job) {
      // Delivery is idempotent per message (a sent one is skipped), so a retried job only resends what
      // failed; every message of the job is tried even when an earlier one failed. One at a time: an SMTP
      // server or SMS operator should not see a burst of parallel connections from us.
      const failed: unknown[] = [];
      for (const id of job.data.messageIds) {
        await pace();
        await options
          .outbox()
          .deliver(id, job.retryCount + 1)
          .catch((error: unknown) => failed.push(error));
      }
      logger.debug({ messages: job.data.messageIds.length, failed: failed.length }, 'message delivery');
      if (failed.length > 0) throw failed[0];
    },
    // A message still pending a minute after it was written has lost its job; delivery skips what was sent.
    async recover() {
      const ids = await options
        .outbox()
        .listPendingMessageIds({ createdBefore: new Date(Date.now() - 60_000), notices });
      await queue.sendSoon(ids);
      return ids.length;
    },
  });

  const queue: MessageQueue = {
    async sendSoon(messageIds) {
      if (messageIds.length === 0) return;
      const jobs = [];
      for (let start = 0; start < messageIds.length; start += MESSAGES_PER_JOB) {
        jobs.push({
          name: queueName,
          data: {
            messageIds: messageIds.slice(start, start + MESSAGES_PER_JOB),
          } satisfies SendMessagePayload,
          retryLimit: MAX_SEND_ATTEMPTS - 1,
          retryDelay: 5,
          retryBackoff: true,
        });
      }
      await boss.insert(jobs);
      worker.wake();
    },
  };

  return {
    queue,
    stop: () => worker.stop(),
    async start(): Promise<void> {
      await worker.start();
    },
  };
}
