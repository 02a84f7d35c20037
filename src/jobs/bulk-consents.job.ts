import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { BulkQueue, BulkService } from '../services/bulk.service.js';
import { createQueueWorker } from './queue-worker.js';

export const BULK_CONSENTS_QUEUE = 'bulk-consents';

export interface BulkConsentsPayload {
  requestId: string;
}

/** Long enough for a 1000-item request on a slow disk; a killed worker's job is retried after it. */
const JOB_EXPIRE_SECONDS = 300;
/**
 * How often the worker looks for accepted requests whose job was lost — the database went away while the
 * job ran or just after the request was stored — and how old such a request must be.
 */
const SWEEP_MS = 30_000;

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
  let sweeper: NodeJS.Timeout | undefined;

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
  });

  const queue: BulkQueue = {
    async enqueue(requestId) {
      const payload: BulkConsentsPayload = { requestId };
      await boss.send(BULK_CONSENTS_QUEUE, payload, {
        retryLimit: 10,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: JOB_EXPIRE_SECONDS,
      });
      worker.wake();
    },
  };

  /**
   * With nothing waiting in the queue, a request accepted a while ago and still unfinished has lost its job
   * (its completion or failure could not be recorded): it is queued again. Processing is idempotent, so a
   * request that is in fact being applied right now only costs a no-op job.
   */
  async function sweep(): Promise<void> {
    if ((await boss.getQueueSize(BULK_CONSENTS_QUEUE)) > 0) return;
    const requeued = await options.bulk().resumeUnfinished(new Date(Date.now() - SWEEP_MS));
    if (requeued > 0) logger.warn({ requeued }, 'bulk requests whose job was lost were queued again');
  }

  return {
    queue,

    async start(): Promise<void> {
      await boss.createQueue(BULK_CONSENTS_QUEUE);
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) => logger.warn({ err: error }, 'bulk sweep failed; next time'));
      }, SWEEP_MS).unref();
      await worker.start();
    },

    /** Finishes the jobs in hand, then returns; unfetched jobs stay queued for the next start. */
    async stop(): Promise<void> {
      clearInterval(sweeper);
      await worker.stop();
    },
  };
}
