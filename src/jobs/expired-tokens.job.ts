import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { createQueueWorker } from './queue-worker.js';

export const EXPIRED_TOKENS_QUEUE = 'expired-tokens';
/** Hourly; pg-boss's scheduler makes sure one process runs it, however many are up. */
const CRON = '17 * * * *';

/**
 * The hourly clean-up: each sweep deletes what has expired (tokens, idle abuse-limit counters, applications
 * never confirmed) and says how many rows went. Every sweep is idempotent; one failing does not stop the
 * others, and the job is retried.
 */
export async function startExpiredTokensJob(options: {
  boss: PgBoss;
  sweeps: Record<string, () => Promise<number>>;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, sweeps, logger } = options;
  await boss.schedule(EXPIRED_TOKENS_QUEUE, CRON, {}, { retryLimit: 3 });
  const worker = createQueueWorker({
    boss,
    queue: EXPIRED_TOKENS_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      const deleted: Record<string, number> = {};
      const failures: unknown[] = [];
      for (const [name, sweep] of Object.entries(sweeps)) {
        deleted[name] = await sweep().catch((error: unknown) => (failures.push(error), -1));
      }
      logger.info({ deleted }, 'expired rows deleted');
      if (failures.length > 0) throw failures[0];
    },
  });
  await worker.start();
  return worker;
}
