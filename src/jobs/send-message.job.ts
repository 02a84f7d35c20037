import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { MessageQueue, OutboxService } from '../services/outbox.service.js';
import { MAX_SEND_ATTEMPTS } from '../services/outbox.service.js';

export const SEND_MESSAGE_QUEUE = 'send-message';

export interface SendMessagePayload {
  /** The outbox row; the job never carries an address or a text. */
  messageId: string;
}

/**
 * Delivers outbox messages. Retries with exponential backoff (5 s, 10 s, 20 s, …) up to MAX_SEND_ATTEMPTS;
 * the outbox row records every failure, so a message that could not be delivered is visible.
 */
export function createSendMessageJob(options: { boss: PgBoss; outbox: () => OutboxService; logger: Logger }) {
  const { boss, logger } = options;
  let workerId: string | undefined;

  const queue: MessageQueue = {
    async sendSoon(messageIds) {
      if (messageIds.length === 0) return;
      await boss.insert(
        messageIds.map((messageId) => ({
          name: SEND_MESSAGE_QUEUE,
          data: { messageId } satisfies SendMessagePayload,
          retryLimit: MAX_SEND_ATTEMPTS - 1,
          retryDelay: 5,
          retryBackoff: true,
        })),
      );
      if (workerId) boss.notifyWorker(workerId);
    },
  };

  return {
    queue,
    async prepare(): Promise<void> {
      await boss.createQueue(SEND_MESSAGE_QUEUE);
    },
    async start(): Promise<void> {
      workerId = await boss.work<SendMessagePayload>(
        SEND_MESSAGE_QUEUE,
        { batchSize: 5, pollingIntervalSeconds: 1, includeMetadata: true },
        async (jobs) => {
          for (const job of jobs) {
            const outcome = await options.outbox().deliver(job.data.messageId, job.retryCount + 1);
            logger.debug({ messageId: job.data.messageId, outcome }, 'message delivery');
          }
        },
      );
    },
  };
}
