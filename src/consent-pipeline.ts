import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/types.js';
import { createBulkConsentsWorker } from './jobs/bulk-consents.job.js';
import { createConsentNoticesJob } from './jobs/consent-notices.job.js';
import {
  createSendMessageJob,
  DEFAULT_NOTICES_PER_SECOND,
  SEND_NOTICE_QUEUE,
} from './jobs/send-message.job.js';
import type { BulkRequestRepository } from './repositories/bulk-request.repository.js';
import { createNoticeRepository } from './repositories/notice.repository.js';
import type { OutboxRepository } from './repositories/outbox.repository.js';
import type { ProviderRepository } from './repositories/provider.repository.js';
import type { ShortLinkRepository } from './repositories/short-link.repository.js';
import { createBulkPreparer } from './services/bulk-accept/accept-pool.js';
import { createBulkService } from './services/bulk.service.js';
import type { WriterDeps } from './services/consent-writer.js';
import { createNotificationService } from './services/notification.service.js';
import type { OutboxService } from './services/outbox.service.js';
import type { SystemOptions } from './system-options.js';

/**
 * The consents' way in and the notices that follow them (see system.ts): bulk requests accepted (on
 * accept threads), queued and applied by the group-commit writer, then the ONAY notices read from the
 * log and sent at the operator's pace. Wired by hand from the shared pieces.
 */
export function composeConsentPipeline(deps: {
  db: Kysely<Database>;
  boss: PgBoss;
  logger: Logger;
  clock: () => Date;
  cipher: FieldCipher;
  options: Pick<SystemOptions, 'masterKey' | 'acceptThreads' | 'bulkWriters' | 'noticesPerSecond'>;
  publicUrl: string;
  bulkRequests: BulkRequestRepository;
  providers: ProviderRepository;
  writer: WriterDeps;
  outbox: OutboxRepository;
  messages: OutboxService;
  shortLinks: ShortLinkRepository;
}) {
  const { db, boss, logger, clock, options } = deps;
  // Jobs and services refer to each other (a service queues work, a job runs the service): the getters
  // break the cycles, and are first called after everything exists.
  const bulkWorker = createBulkConsentsWorker({ boss, bulk: () => bulk, logger });
  const noticesPerSecond = options.noticesPerSecond ?? DEFAULT_NOTICES_PER_SECOND;
  const noticeSendJob = createSendMessageJob({
    boss,
    outbox: () => deps.messages,
    logger,
    queueName: SEND_NOTICE_QUEUE,
    perSecond: noticesPerSecond,
  });
  const noticesJob = createConsentNoticesJob({ boss, notifications: () => notifications, logger });
  const notifications = createNotificationService({
    db,
    outbox: deps.outbox,
    notices: createNoticeRepository(db),
    messages: deps.messages,
    queue: noticeSendJob.queue,
    shortLinks: deps.shortLinks,
    publicUrl: deps.publicUrl,
    // About a minute of the paced sender's work.
    maxQueuedMessages: 60 * noticesPerSecond,
    clock,
  });
  const preparer = createBulkPreparer({
    threads: options.acceptThreads ?? 0,
    masterKey: options.masterKey,
    cipher: deps.cipher,
    logger,
  });
  const bulk = createBulkService({
    db,
    logger: deps.logger,
    bulkRequests: deps.bulkRequests,
    writer: deps.writer,
    providers: deps.providers,
    preparer,
    queue: bulkWorker.queue,
    notices: noticesJob.queue,
    writers: options.bulkWriters,
    clock,
  });
  return {
    bulk,
    /** Bulk requests' and uploads' per-row work, on accept threads where configured. */
    preparer,
    notifications,
    /** Wakes the notice reader after a write that recorded ONAYs. */
    noticeQueue: noticesJob.queue,
    async start(): Promise<void> {
      await bulkWorker.start();
      await noticeSendJob.start();
      await noticesJob.start();
    },
    /** Picks up what an earlier run (crash, deploy) left: unapplied requests, unsent and unread notices. */
    async resume(): Promise<void> {
      const resumed = await bulk.resumeUnfinished();
      if (resumed > 0) logger.info({ resumed }, 'resumed unfinished bulk requests');
      await noticeSendJob.queue.sendSoon(await deps.messages.listPendingMessageIds({ notices: true }));
      if ((await notifications.countPending()) > 0) await noticesJob.queue.wake();
    },
    async stop(): Promise<void> {
      await bulkWorker.stop();
      await preparer.close();
      await noticeSendJob.stop();
      await noticesJob.stop();
    },
  };
}
export type ConsentPipeline = ReturnType<typeof composeConsentPipeline>;
