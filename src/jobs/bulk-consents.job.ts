import { EventEmitter, once } from 'node:events';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { BulkQueue, BulkService } from '../services/bulk.service.js';
import { JobFailure } from './job-failure.js';

export const BULK_CONSENTS_QUEUE = 'bulk-consents';

export interface BulkConsentsPayload {
  requestId: string;
}

/** Long enough for a 1000-item request on a slow disk; a killed worker's job is retried after it. */
const JOB_EXPIRE_SECONDS = 300;
/** Another process may have queued work: look at least this often even without a local wake-up. */
const IDLE_POLL_MS = 1000;
/**
 * How often the worker looks for accepted requests whose job was lost — the database went away while the
 * job ran or just after the request was stored — and how old such a request must be.
 */
const SWEEP_MS = 30_000;

/**
 * Applies accepted bulk requests in the background. It drains the queue with fetch/complete and sleeps only
 * when the queue is empty, waking at once when this process queues something. Processing is idempotent
 * (see BulkService.processBulkRequest), so pg-boss's at-least-once delivery yields exactly-once effects.
 */
export function createBulkConsentsWorker(options: {
  boss: PgBoss;
  bulk: () => BulkService;
  logger: Logger;
  concurrency?: number;
}) {
  const { boss, logger, concurrency = 2 } = options;
  const wake = new EventEmitter();
  let running = false;
  let loop: Promise<void> | undefined;
  let sleeper: AbortController | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  const queue: BulkQueue = {
    async enqueue(requestId) {
      const payload: BulkConsentsPayload = { requestId };
      await boss.send(BULK_CONSENTS_QUEUE, payload, {
        retryLimit: 10,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: JOB_EXPIRE_SECONDS,
      });
      wake.emit('work');
    },
  };

  async function runOne(job: PgBoss.Job<BulkConsentsPayload>): Promise<void> {
    try {
      const applied = await options.bulk().processBulkRequest(job.data.requestId);
      await boss.complete(BULK_CONSENTS_QUEUE, job.id);
      logger.debug({ requestId: job.data.requestId, applied }, 'bulk request processed');
    } catch (error) {
      logger.error({ err: error, requestId: job.data.requestId }, 'bulk request failed; pg-boss will retry');
      await boss.fail(BULK_CONSENTS_QUEUE, job.id, new JobFailure(error)).catch(() => {});
    }
  }

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

  async function drain(): Promise<void> {
    while (running) {
      const jobs = await boss.fetch<BulkConsentsPayload>(BULK_CONSENTS_QUEUE, { batchSize: concurrency });
      if (jobs.length === 0) {
        sleeper = new AbortController();
        await Promise.race([
          once(wake, 'work', { signal: sleeper.signal }).catch(() => {}),
          new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS).unref()),
        ]);
        sleeper.abort();
        continue;
      }
      await Promise.all(jobs.map(runOne));
    }
  }

  return {
    queue,

    async start(): Promise<void> {
      await boss.createQueue(BULK_CONSENTS_QUEUE);
      running = true;
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) => logger.warn({ err: error }, 'bulk sweep failed; next time'));
      }, SWEEP_MS).unref();
      loop = (async () => {
        while (running) {
          try {
            await drain();
          } catch (error) {
            if (!running) break;
            logger.error({ err: error }, 'bulk worker loop failed; restarting in 1 s');
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
      })();
    },

    /** Finishes the jobs in hand, then returns; unfetched jobs stay queued for the next start. */
    async stop(): Promise<void> {
      running = false;
      clearInterval(sweeper);
      sleeper?.abort();
      await loop;
    },
  };
}
