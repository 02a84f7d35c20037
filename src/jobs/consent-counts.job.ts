import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { ConsentCountRepository } from '../repositories/consent-count.repository.js';
import { createQueueWorker } from './queue-worker.js';

export const CONSENT_COUNTS_QUEUE = 'consent-counts';
/**
 * Every five minutes; pg-boss's scheduler runs it once, however many processes are up. Between folds a
 * count is a few more rows to sum (one per statement that changed it), so the cadence bounds a reader's
 * work, never its answer.
 */
const CRON = '*/5 * * * *';

/** Folds the consent counts' appended changes into one row per brand and status (migration 0042). */
export async function startConsentCountsJob(options: {
  boss: PgBoss;
  counts: ConsentCountRepository;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, counts, logger } = options;
  await boss.schedule(CONSENT_COUNTS_QUEUE, CRON, {}, { retryLimit: 2 });
  const worker = createQueueWorker({
    boss,
    queue: CONSENT_COUNTS_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      logger.debug({ folded: await counts.fold() }, 'consent counts folded');
    },
  });
  await worker.start();
  return worker;
}
