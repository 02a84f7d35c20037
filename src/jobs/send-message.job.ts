import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { MessageQueue, OutboxService } from '../services/outbox.service.js';
import { MAX_SEND_ATTEMPTS } from '../services/outbox.service.js';
import { JobFailure } from './job-failure.js';

export const SEND_MESSAGE_QUEUE = 'send-message';

export interface SendMessagePayload {
  /** Outbox rows; the job never carries an address or a text. */
  messageIds: string[];
}

/** Messages per job: a burst of 200,000 notices is 4,000 jobs, not 200,000. */
const MESSAGES_PER_JOB = 50;

/**
 * Delivers outbox messages. Retries with exponential backoff (5 s, 10 s, 20 s, …) up to MAX_SEND_ATTEMPTS;
 * the outbox row records every failure, so a message that could not be delivered is visible.
 */
export function createSendMessageJob(options: { boss: PgBoss; outbox: () => OutboxService; logger: Logger }) {
  const { boss, logger } = options;
  let workerId: string | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  /**
   * With nothing waiting in the queue, a message still pending a minute after it was written has lost its
   * job (the database went away between the commit and the queueing, or while it was being sent): queue it
   * again. Delivery skips what was sent, so a duplicate job costs nothing.
   */
  async function sweep(): Promise<void> {
    if ((await boss.getQueueSize(SEND_MESSAGE_QUEUE)) > 0) return;
    const ids = await options.outbox().listPendingMessageIds(new Date(Date.now() - 60_000));
    if (ids.length === 0) return;
    await queue.sendSoon(ids);
    logger.warn({ requeued: ids.length }, 'messages whose job was lost were queued again');
  }

  const queue: MessageQueue = {
    async sendSoon(messageIds) {
      if (messageIds.length === 0) return;
      const jobs = [];
      for (let start = 0; start < messageIds.length; start += MESSAGES_PER_JOB) {
        jobs.push({
          name: SEND_MESSAGE_QUEUE,
          data: {
            messageIds: messageIds.slice(start, start + MESSAGES_PER_JOB),
          } satisfies SendMessagePayload,
          retryLimit: MAX_SEND_ATTEMPTS - 1,
          retryDelay: 5,
          retryBackoff: true,
        });
      }
      await boss.insert(jobs);
      if (workerId) boss.notifyWorker(workerId);
    },
  };

  return {
    queue,
    async prepare(): Promise<void> {
      await boss.createQueue(SEND_MESSAGE_QUEUE);
    },
    stop(): void {
      clearInterval(sweeper);
    },
    async start(): Promise<void> {
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) => logger.warn({ err: error }, 'message sweep failed; next time'));
      }, 30_000).unref();
      workerId = await boss.work<SendMessagePayload>(
        SEND_MESSAGE_QUEUE,
        { batchSize: 5, pollingIntervalSeconds: 1, includeMetadata: true },
        async (jobs) => {
          for (const job of jobs) {
            // Delivery is idempotent per message (a sent one is skipped), so a retried job only resends what
            // failed; every message of the job is tried even when an earlier one failed. One at a time: an
            // SMTP server or SMS operator should not see a burst of parallel connections from us.
            const failed: unknown[] = [];
            for (const id of job.data.messageIds) {
              await options
                .outbox()
                .deliver(id, job.retryCount + 1)
                .catch((error: unknown) => failed.push(error));
            }
            logger.debug({ messages: job.data.messageIds.length, failed: failed.length }, 'message delivery');
            if (failed.length > 0) throw new JobFailure(failed[0]);
          }
        },
      );
    },
  };
}
