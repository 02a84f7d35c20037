import type { Logger } from 'pino';
import { INTEGRATION_BATCH, type TransparencyLogService } from '../services/transparency-log.service.js';

/** How often the sequencer looks for new events: the log's promise is a signed head within a second. */
const INTERVAL_MS = 500;

/**
 * Runs the transparency log's sequencer in a worker process: every INTERVAL_MS it integrates what was
 * committed, a batch after another while there is a backlog. Any number of processes may run it (an advisory
 * lock lets one work at a time); a failure (the database went away) is logged and tried again next tick.
 */
export function startLogSequencerJob(options: { log: TransparencyLogService; logger: Logger }) {
  const { log, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function tick(): Promise<void> {
    try {
      while (!stopped && (await log.integrate()) === INTEGRATION_BATCH);
    } catch (error) {
      logger.warn({ err: error }, 'transparency log sequencer failed; trying again');
    }
  }
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, INTERVAL_MS);
  };
  running = tick().finally(schedule);

  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
