import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { UploadQueue, UploadService } from '../services/upload.service.js';
import { createQueueWorker, requireJobId } from './queue-worker.js';

export const CONSENT_UPLOAD_QUEUE = 'consent-upload';

export interface ConsentUploadPayload {
  uploadId: string;
}

/** A 5,000,000-row file takes a while; the job's own lease (in the upload row) guards against doubles. */
const JOB_EXPIRE_SECONDS = 6 * 3600;

/**
 * Applies uploaded consent files in the background, one at a time per server. A file held by another
 * server's lease is retried after it; on shutdown the file in hand stops between two batches and is resumed
 * at the next start (UploadService.resumeUnfinished).
 */
export function createConsentUploadJob(options: {
  boss: PgBoss;
  uploads: () => UploadService;
  logger: Logger;
}) {
  const { boss, logger } = options;
  const stopping = new AbortController();

  const queue: UploadQueue = {
    async enqueue(uploadId, afterSeconds = 0) {
      const id = await boss.send(CONSENT_UPLOAD_QUEUE, { uploadId } satisfies ConsentUploadPayload, {
        // 30 s, 1 min, 2 min, … doubling: about a day and a half before pg-boss gives up, and every start
        // re-queues what is still unfinished (UploadService.resumeUnfinished).
        retryLimit: 12,
        retryDelay: 30,
        retryBackoff: true,
        expireInSeconds: JOB_EXPIRE_SECONDS,
        startAfter: afterSeconds,
      });
      requireJobId(id, CONSENT_UPLOAD_QUEUE);
      if (afterSeconds === 0) worker.wake();
    },
  };

  const worker = createQueueWorker<ConsentUploadPayload>({
    boss,
    queue: CONSENT_UPLOAD_QUEUE,
    logger,
    async handle(job) {
      const { uploadId } = job.data;
      try {
        const outcome = await options.uploads().process(uploadId, stopping.signal);
        logger.info({ uploadId, outcome }, 'consent upload');
        // Held by another server: fail the job so pg-boss retries it once that lease has run out.
        if (outcome === 'busy') throw new UploadBusy();
      } catch (error) {
        // A file that cannot be read never gets here (it is failed at once); this is the database or the
        // disk going away, which a later attempt can get past.
        if (!(error instanceof UploadBusy))
          logger.warn({ err: error, uploadId }, 'consent upload interrupted; it will be retried');
        throw error;
      }
    },
    // An unfinished upload nobody holds a lease on has lost its job.
    recover: () => options.uploads().resumeStalled(),
  });

  return {
    queue,
    async start(): Promise<void> {
      await worker.start();
    },
    /** Asks the file in hand to stop after its current batch (called before pg-boss stops). */
    interrupt(): void {
      stopping.abort();
    },
    /** Waits for the file in hand to stop (after `interrupt`). */
    async stop(): Promise<void> {
      await worker.stop();
    },
  };
}

class UploadBusy extends Error {
  override name = 'UploadBusy';
}
