import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { ConsentCountRepository } from '../repositories/consent-count.repository.js';
import type { TransparencyRepository } from '../repositories/transparency.repository.js';
import { createQueueWorker } from './queue-worker.js';

export const KEPT_FIGURES_QUEUE = 'kept-figures';
/**
 * Every five minutes; pg-boss's scheduler runs it once, however many processes are up. Between runs a
 * count is a few more rows to sum and the opt-outs a few more refusals to judge, so the cadence bounds a
 * reader's work, never its answer.
 */
const CRON = '*/5 * * * *';

/**
 * Keeps the per-company figures cheap to read: folds the consent counts' appended changes (migration 0042)
 * and tallies the citizen opt-outs of settled days (migration 0043).
 */
export async function startKeptFiguresJob(options: {
  boss: PgBoss;
  counts: ConsentCountRepository;
  transparency: TransparencyRepository;
  clock: () => Date;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, counts, transparency, clock, logger } = options;
  await boss.schedule(KEPT_FIGURES_QUEUE, CRON, {}, { retryLimit: 2 });
  const worker = createQueueWorker({
    boss,
    queue: KEPT_FIGURES_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      const folded = await counts.fold();
      const optOutsTallied = await transparency.tallyOptOuts(clock());
      logger.debug({ folded, optOutsTallied }, 'kept figures brought up to date');
    },
  });
  await worker.start();
  return worker;
}
