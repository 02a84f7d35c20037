import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { ClosureQueue, LineClosureService } from '../services/line-closure.service.js';
import { createQueueWorker } from './queue-worker.js';

export const LINE_CLOSURES_QUEUE = 'line-closures';

/**
 * Applies closures received in operators' files, a transaction of CLOSURES_PER_TRANSACTION at a time until
 * none is pending. The pending closures are themselves the work list (claimed with SKIP LOCKED), so a wake-up
 * lost or a run cut short leaves nothing behind that the next run, or `recover`, does not find.
 */
export function createLineClosuresJob(options: {
  boss: PgBoss;
  lineClosures: () => LineClosureService;
  logger: Logger;
}) {
  const { boss, logger } = options;
  const queue: ClosureQueue = {
    async wake() {
      await boss.send(LINE_CLOSURES_QUEUE, {}, { retryLimit: 5, retryBackoff: true });
    },
  };
  const worker = createQueueWorker({
    boss,
    queue: LINE_CLOSURES_QUEUE,
    logger,
    async handle() {
      let closures = 0;
      let consentsClosed = 0;
      for (let more = true; more;) {
        const applied = await options.lineClosures().applyPending();
        closures += applied.closures;
        consentsClosed += applied.consentsClosed;
        more = applied.more;
      }
      if (closures > 0) logger.info({ closures, consentsClosed }, 'line closures applied');
    },
    async recover() {
      if ((await options.lineClosures().countPending()) === 0) return 0;
      await queue.wake();
      return 1;
    },
  });
  return { queue, start: () => worker.start(), stop: () => worker.stop() };
}
