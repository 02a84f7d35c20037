import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/types.js';
import { createConsentUploadJob } from './jobs/consent-upload.job.js';
import { createWebhookDeliveryJob } from './jobs/webhook-delivery.job.js';
import type { SystemOptions } from './system.js';
import type { ApiUserRepository } from './repositories/api-user.repository.js';
import { createApplicationRepository } from './repositories/application.repository.js';
import type { AuditRepository } from './repositories/audit.repository.js';
import type { BulkRequestRepository } from './repositories/bulk-request.repository.js';
import type { ConsentRepository } from './repositories/consent.repository.js';
import type { IntegratorRepository } from './repositories/integrator.repository.js';
import { createIysYoluRepository } from './repositories/iys-yolu.repository.js';
import type { OutboxRepository } from './repositories/outbox.repository.js';
import { createPortalUserRepository } from './repositories/portal-user.repository.js';
import type { ProviderRepository } from './repositories/provider.repository.js';
import { createReconciliationRepository } from './repositories/reconciliation.repository.js';
import type { RetailerRepository } from './repositories/retailer.repository.js';
import { createUploadRepository } from './repositories/upload.repository.js';
import type { WebhookRepository } from './repositories/webhook.repository.js';
import type { NoticeQueue, WriterDeps } from './services/consent-writer.js';
import { createIntegratorService } from './services/integrator.service.js';
import { createIysYoluService } from './services/iys-yolu.service.js';
import type { AbuseGuard } from './services/abuse-guard.service.js';
import { createOnboardingService } from './services/onboarding.service.js';
import type { MessageQueue, OutboxService } from './services/outbox.service.js';
import { createPortalAccountService } from './services/portal-account.service.js';
import { createProviderPortalService } from './services/provider-portal.service.js';
import { createReconciliationService } from './services/reconciliation.service.js';
import { createRetailerService } from './services/retailer.service.js';
import { createUploadService } from './services/upload.service.js';
import type { BulkPreparer } from './services/bulk-accept/accept-pool.js';
import { createWebhookService } from './services/webhook.service.js';

/**
 * The provider side's part of the composition root (see system.ts): onboarding, the portal, retailers,
 * integrators, reconciliation, webhooks, file uploads and İYS Yolu, wired by hand from the shared pieces.
 */
export function composeProviderSide(deps: {
  db: Kysely<Database>;
  boss: PgBoss;
  logger: Logger;
  clock: () => Date;
  cipher: FieldCipher;
  signingKey: Buffer;
  publicUrl: string;
  providers: ProviderRepository;
  apiUsers: ApiUserRepository;
  consents: ConsentRepository;
  outboxRepository: OutboxRepository;
  bulkRequests: BulkRequestRepository;
  audit: AuditRepository;
  retailerRepository: RetailerRepository;
  integratorRepository: IntegratorRepository;
  webhookRepository: WebhookRepository;
  writer: WriterDeps;
  messages: OutboxService;
  sendQueue: MessageQueue;
  notices: NoticeQueue;
  preparer: BulkPreparer;
  webhooks?: SystemOptions['webhooks'];
  uploadMaxBytes?: number;
  uploadRowsPerBatch?: number;
  guard: AbuseGuard;
}) {
  const { db, boss, logger, clock, cipher, providers, consents, outboxRepository: outbox } = deps;
  const { messages, sendQueue: queue } = deps;

  const portalAccounts = createPortalAccountService({
    db,
    users: createPortalUserRepository(db),
    consents,
    outbox,
    messages,
    queue,
    cipher,
    guard: deps.guard,
    publicUrl: deps.publicUrl,
    clock,
  });
  const webhooks = createWebhookService({
    db,
    webhooks: deps.webhookRepository,
    providers,
    outbox,
    messages,
    queue,
    cipher,
    allowLoopbackHttp: deps.webhooks?.allowLoopbackHttp ?? false,
    lookup: deps.webhooks?.lookup,
    clock,
  });
  const webhookJob = createWebhookDeliveryJob({
    webhooks: deps.webhookRepository,
    cipher,
    logger,
    onGivenUp: (webhookId, reason) => webhooks.disableAfterFailures(webhookId, reason),
    clock,
    options: {
      allowLoopback: deps.webhooks?.allowLoopbackHttp ?? false,
      lookup: deps.webhooks?.lookup,
      ...deps.webhooks?.delivery,
    },
  });
  // The job runs the service and the service queues jobs: the getter breaks the cycle.
  const uploadJob = createConsentUploadJob({ boss, uploads: () => uploads, logger });
  const uploads = createUploadService({
    db,
    logger: deps.logger,
    uploads: createUploadRepository(db),
    providers,
    writer: deps.writer,
    cipher,
    preparer: deps.preparer,
    queue: uploadJob.queue,
    notices: deps.notices,
    maxBytes: deps.uploadMaxBytes,
    rowsPerBatch: deps.uploadRowsPerBatch,
    clock,
  });
  const retailers = createRetailerService({
    db,
    retailers: deps.retailerRepository,
    providers,
    cipher,
    clock,
  });

  return {
    portalAccounts,
    webhooks,
    uploads,
    retailers,
    onboarding: createOnboardingService({
      db,
      applications: createApplicationRepository(db),
      providers,
      consents,
      portalAccounts,
      audit: deps.audit,
      outbox,
      messages,
      queue,
      cipher,
      guard: deps.guard,
      publicUrl: deps.publicUrl,
      clock,
    }),
    integrators: createIntegratorService({ integrators: deps.integratorRepository, providers }),
    iysYolu: createIysYoluService({
      db,
      requests: createIysYoluRepository(db),
      consents,
      writer: deps.writer,
      outbox,
      messages,
      queue,
      cipher,
      signingKey: deps.signingKey,
      guard: deps.guard,
      clock,
    }),
    reconciliation: createReconciliationService({
      reconciliation: createReconciliationRepository(db),
      cipher,
      clock,
    }),
    providerPortal: createProviderPortalService({
      db,
      providers,
      apiUsers: deps.apiUsers,
      consents,
      retailers: deps.retailerRepository,
      bulkRequests: deps.bulkRequests,
      retailerAdmin: retailers,
      portalAccounts,
      cipher,
      clock,
    }),

    /** The provider side's workers: webhook delivery and file uploads (resuming unfinished ones). */
    async start(): Promise<void> {
      await webhookJob.start();
      await uploadJob.start();
      const resumed = await uploads.resumeUnfinished();
      if (resumed > 0) logger.info({ uploads: resumed }, 'resumed unfinished consent uploads');
    },

    /** Stops webhook delivery and asks the file in hand to stop after its current batch. */
    async stop(): Promise<void> {
      await webhookJob.stop();
      uploadJob.interrupt();
      await uploadJob.stop();
    },
  };
}
