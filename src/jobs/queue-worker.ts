import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { JobFailure } from './job-failure.js';

/** How often a worker with a `recover` looks for work whose job was lost. */
export const RECOVER_MS = 30_000;

/**
 * The one job shape. A loop drains a pg-boss queue with fetch / complete / fail, each awaited and each
 * allowed to fail: when the database goes away mid-job nothing is left to an unheard promise (pg-boss's
 * own `work` completes and fails jobs without awaiting them), the loop waits and carries on, and a job
 * whose completion could not be recorded is found again by its expiry or by the owner's sweep. It sleeps
 * only when the queue is empty, and `wake` ends the sleep at once when this process queues something.
 *
 * `handle` throwing means "try again later": pg-boss retries the job with the retry options it was sent
 * with, and what it stores of the error is a JobFailure (never a message that could quote data). Work that
 * can never succeed must be recorded as failed by the handler itself and return normally.
 */
export function createQueueWorker<T extends object>(options: {
  boss: PgBoss;
  queue: string;
  logger: Logger;
  handle: (job: PgBoss.JobWithMetadata<T>) => Promise<void>;
  /** Jobs fetched at once; with `parallel`, handled together. */
  batchSize?: number;
  parallel?: boolean;
  /** How often an idle worker looks for work queued by another process. */
  idlePollMs?: number;
  /**
   * Finds work whose job was lost — the database went away between a commit and its queueing, or before a
   * job's end could be recorded — and queues it again; returns how much. Run every RECOVER_MS while
   * nothing waits in the queue (handlers are idempotent, so requeueing work in hand costs a no-op job).
   */
  recover?: () => Promise<number>;
}) {
  const { boss, queue, logger, batchSize = 1, parallel = false, idlePollMs = 1000 } = options;
  let running = false;
  let recovery: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = finish;
    });

  async function runOne(job: PgBoss.JobWithMetadata<T>): Promise<void> {
    try {
      await options.handle(job);
    } catch (error) {
      await boss
        .fail(queue, job.id, new JobFailure(error))
        .catch((failed: unknown) => logger.warn({ err: failed, queue }, 'job failure not recorded'));
      return;
    }
    await boss
      .complete(queue, job.id)
      .catch((error: unknown) => logger.warn({ err: error, queue }, 'job completion not recorded'));
  }

  async function drain(): Promise<void> {
    while (running) {
      let jobs: PgBoss.JobWithMetadata<T>[];
      try {
        jobs = await boss.fetch<T>(queue, { batchSize, includeMetadata: true });
      } catch (error) {
        logger.warn({ err: error, queue }, 'cannot fetch jobs; waiting for the database');
        await sleep(Math.max(idlePollMs, 1000));
        continue;
      }
      if (jobs.length === 0) {
        await sleep(idlePollMs);
        continue;
      }
      if (parallel) await Promise.all(jobs.map(runOne));
      else for (const job of jobs) await runOne(job);
    }
  }

  async function recover(): Promise<void> {
    if (!options.recover || (await boss.getQueueSize(queue)) > 0) return;
    const requeued = await options.recover();
    if (requeued > 0) logger.warn({ queue, requeued }, 'work whose job was lost was queued again');
  }

  return {
    async start(): Promise<void> {
      running = true;
      loop = drain();
      if (options.recover)
        recovery = setInterval(() => {
          recover().catch((error: unknown) =>
            logger.warn({ err: error, queue }, 'recovery failed; next time'),
          );
        }, RECOVER_MS).unref();
    },
    /** Ends the idle wait: this process has just queued something. */
    wake(): void {
      wakeUp?.();
    },
    /** Finishes the jobs in hand, then returns; unfetched jobs stay queued for the next start. */
    async stop(): Promise<void> {
      running = false;
      clearInterval(recovery);
      wakeUp?.();
      await loop;
    },
  };
}

/**
 * pg-boss answers a send to a queue that does not exist with `null` and stores nothing: an accepted request
 * would then wait for a job that was never written. A missing job is an error, never a silence.
 */
export function requireJobId(id: string | null, queue: string): string {
  if (id === null) throw new Error(`pg-boss stored no job in queue "${queue}" (does the queue exist?)`);
  return id;
}
