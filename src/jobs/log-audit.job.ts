import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { LogAuditReport } from '../services/log-audit.js';
import { createQueueWorker } from './queue-worker.js';

export const LOG_AUDIT_QUEUE = 'log-audit';
/** Daily, at a quiet hour; pg-boss's scheduler makes sure one process runs it, however many are up. */
const CRON = '41 3 * * *';

/**
 * The daily transparency-log audit (`openiys log audit`, run in the background): its result is kept, so the
 * regulator console and `/metrics` raise the alarm, and a failed audit is logged as an error.
 */
export async function startLogAuditJob(options: {
  boss: PgBoss;
  /** Runs the audit and keeps its result. */
  audit: () => Promise<LogAuditReport>;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, audit, logger } = options;
  await boss.schedule(LOG_AUDIT_QUEUE, CRON, {}, { retryLimit: 3 });
  const worker = createQueueWorker({
    boss,
    queue: LOG_AUDIT_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      const report = await audit();
      if (report.problems.length > 0)
        logger.error(
          { problems: report.problems, unlisted: report.unlisted },
          'transparency log audit FAILED',
        );
      else logger.info({ leaves: report.leaves, heads: report.heads }, 'transparency log audit passed');
    },
  });
  await worker.start();
  return worker;
}
