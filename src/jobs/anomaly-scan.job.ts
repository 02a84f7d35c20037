import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { AnomalyService } from '../services/anomaly.service.js';
import { createQueueWorker } from './queue-worker.js';

export const ANOMALY_SCAN_QUEUE = 'anomaly-scan';
/** Every ten minutes: an hour is judged soon after it ends; pg-boss's scheduler runs it once. */
const CRON = '*/10 * * * *';

/** Judges the hours completed since the last scan (see anomaly.service.ts). */
export async function startAnomalyScanJob(options: {
  boss: PgBoss;
  anomalies: AnomalyService;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const { boss, anomalies, logger } = options;
  await boss.schedule(ANOMALY_SCAN_QUEUE, CRON, {}, { retryLimit: 2 });
  const worker = createQueueWorker({
    boss,
    queue: ANOMALY_SCAN_QUEUE,
    logger,
    idlePollMs: 60_000,
    async handle() {
      const result = await anomalies.scan();
      if (result.flagged > 0) logger.warn(result, 'suspicious submissions flagged');
    },
  });
  await worker.start();
  return worker;
}
