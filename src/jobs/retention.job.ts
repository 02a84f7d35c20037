import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { RetentionService } from '../services/retention.service.js';
import { createQueueWorker } from './queue-worker.js';

export const RETENTION_QUEUE = 'retention';
/** Daily, at a quiet hour, after the log audit; pg-boss's scheduler runs it in one process only. */
const CRON = '17 4 * * *';

/** The daily retention run (see retention.service.ts): what it removed is logged and counted. */
export async function startRetentionJob(options: {
  boss: PgBoss;
  retention: RetentionService;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, retention, logger } = options;
  await boss.schedule(RETENTION_QUEUE, CRON, {}, { retryLimit: 3 });
  const worker = createQueueWorker({
    boss,
    queue: RETENTION_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      logger.info(await retention.run(), 'retention run finished');
    },
  });
  await worker.start();
  return worker;
}
