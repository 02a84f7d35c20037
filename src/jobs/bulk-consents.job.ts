import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { BulkQueue, BulkService } from '../services/bulk.service.js';
import { createQueueWorker, requireJobId, RECOVER_MS } from './queue-worker.js';

export const BULK_CONSENTS_QUEUE = 'bulk-consents';

export interface BulkConsentsPayload {
  requestId: string;
}

/** Long enough for a 1000-item request on a slow disk; a killed worker's job is retried after it. */
const JOB_EXPIRE_SECONDS = 300;

/**
 * Applies accepted bulk requests in the background, two at a time, waking at once when this process queues
 * one. Processing is idempotent (see BulkService.processBulkRequest), so pg-boss's at-least-once delivery
 * yields exactly-once effects.
 */
export function createBulkConsentsWorker(options: {
  boss: PgBoss;
  bulk: () => BulkService;
  logger: Logger;
  concurrency?: number;
}) {
  const { boss, logger, concurrency = 2 } = options;

  const worker = createQueueWorker<BulkConsentsPayload>({
    boss,
    queue: BULK_CONSENTS_QUEUE,
    logger,
    batchSize: concurrency,
    parallel: true,
    async handle(job) {
      try {
        const applied = await options.bulk().processBulkRequest(job.data.requestId);
        logger.debug({ requestId: job.data.requestId, applied }, 'bulk request processed');
      } catch (error) {
        logger.error(
          { err: error, requestId: job.data.requestId },
          'bulk request failed; pg-boss will retry',
        );
        throw error;
      }
    },
    // A request accepted a while ago and still unfinished has lost its job (its completion or failure
    // could not be recorded). Processing is idempotent, so one being applied right now costs a no-op job.
    recover: () => options.bulk().resumeUnfinished(new Date(Date.now() - RECOVER_MS)),
  });

  const queue: BulkQueue = {
    async enqueue(requestId) {
      const payload: BulkConsentsPayload = { requestId };
      const id = await boss.send(BULK_CONSENTS_QUEUE, payload, {
        retryLimit: 10,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: JOB_EXPIRE_SECONDS,
      });
      requireJobId(id, BULK_CONSENTS_QUEUE);
      worker.wake();
    },
  };

  return {
    queue,

    async start(): Promise<void> {
      await worker.start();
    },

    /** Finishes the jobs in hand, then returns; unfetched jobs stay queued for the next start. */
    async stop(): Promise<void> {
      await worker.stop();
    },
  };
}
