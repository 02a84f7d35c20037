import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { ApiUserRepository } from '../repositories/api-user.repository.js';
import type { ThrottleRepository } from '../repositories/throttle.repository.js';
import { createQueueWorker } from './queue-worker.js';

export const EXPIRED_TOKENS_QUEUE = 'expired-tokens';
/** Hourly; pg-boss's scheduler makes sure one process runs it, however many are up. */
const CRON = '17 * * * *';

/**
 * Deletes expired access and refresh tokens, so the table holds only live credentials, and abuse-limit
 * counters that no longer limit anything. Idempotent.
 */
export async function startExpiredTokensJob(options: {
  boss: PgBoss;
  users: ApiUserRepository;
  throttles: ThrottleRepository;
  logger: Logger;
  clock: () => Date;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, users, throttles, logger, clock } = options;
  await boss.schedule(EXPIRED_TOKENS_QUEUE, CRON, {}, { retryLimit: 3 });
  const worker = createQueueWorker({
    boss,
    queue: EXPIRED_TOKENS_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      const result = await users.deleteExpiredTokens(clock());
      const counters = await throttles.sweep(clock());
      logger.info(
        { deleted: Number(result[0]?.numDeletedRows ?? 0), counters },
        'expired tokens and idle throttle counters deleted',
      );
    },
  });
  await worker.start();
  return worker;
}
