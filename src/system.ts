import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { FieldCipher } from './crypto/field-cipher.js';
import { createKeyRing } from './crypto/keys.js';
import { ReceiptSigner } from './crypto/receipt-signer.js';
import { TokenSigner } from './crypto/signed-token.js';
import { connectDatabase, type DatabaseHandle } from './db/connect.js';
import { turkishWorkingCalendar } from './domain/business-days.js';
import { createApp } from './http/app.js';
import { createWindowLimiter, DEFAULT_API_REQUESTS_PER_SECOND } from './http/rate-limit.js';
import { createDeliveryAdapters } from './messaging.js';
import type { DevOutbox } from './services/messaging/dev-outbox.js';
import { composeProviderSide } from './provider-side.js';
import { composeRegistrySide } from './registry-side.js';
import { composeCitizenSide } from './citizen-side.js';
import {
  countGatewayChecks,
  createMetrics,
  watchBulkBacklog,
  watchOutbox,
  watchTransparencyLog,
} from './http/metrics.js';
import { startBoss } from './jobs/boss.js';
import { startExpiredTokensJob } from './jobs/expired-tokens.job.js';
import { createSendMessageJob } from './jobs/send-message.job.js';
import { composeConsentPipeline, type ConsentPipeline } from './consent-pipeline.js';
import { createApiUserRepository } from './repositories/api-user.repository.js';
import { createThrottleRepository } from './repositories/throttle.repository.js';
import { createStaffSessionRepository } from './repositories/staff-session.repository.js';
import { createBrandModerationService } from './services/brand-moderation.service.js';
import { createAbuseGuard, DEFAULT_ABUSE_LIMITS } from './services/abuse-guard.service.js';
import { createAuditRepository } from './repositories/audit.repository.js';
import { createBulkRequestRepository } from './repositories/bulk-request.repository.js';
import { createCitizenRepository } from './repositories/citizen.repository.js';
import { createGatewayRepository } from './repositories/gateway.repository.js';
import { createComplaintRepository } from './repositories/complaint.repository.js';
import { createConsentRepository } from './repositories/consent.repository.js';
import { createDashboardRepository } from './repositories/dashboard.repository.js';
import { createOutboxRepository } from './repositories/outbox.repository.js';
import { createProviderRepository } from './repositories/provider.repository.js';
import { createRetailerRepository } from './repositories/retailer.repository.js';
import { createIntegratorRepository } from './repositories/integrator.repository.js';
import { createWebhookRepository } from './repositories/webhook.repository.js';
import { createTransparencyRepository } from './repositories/transparency.repository.js';
import { createAuthService } from './services/auth.service.js';
import { createShortLinkRepository } from './repositories/short-link.repository.js';
import { createConsentService } from './services/consent.service.js';
import { createPortalConsentService } from './services/portal-consents.service.js';
import { createDashboardService } from './services/dashboard.service.js';
import { createGatewayService, type GatewayService } from './services/gateway/gateway.service.js';
import type { OnboardingService } from './services/onboarding.service.js';
import { createOutboxService } from './services/outbox.service.js';
import { createProviderService } from './services/provider.service.js';
import { createRegulatorService, type RegulatorService } from './services/regulator.service.js';
import { createTenancyService } from './services/tenancy.service.js';
import { createTransparencyService } from './services/transparency.service.js';
import {
  createTransparencyLogService,
  type TransparencyLogService,
} from './services/transparency-log.service.js';
import { createTransparencyLogRepository } from './repositories/transparency-log.repository.js';
import type { WebhookService } from './services/webhook.service.js';
import type { UploadService } from './services/upload.service.js';
import type { RetentionService } from './services/retention.service.js';
import type { AnomalyService } from './services/anomaly.service.js';

export { SANDBOX_MESSAGING, type MessagingOptions } from './messaging.js';
import type { SystemOptions } from './system-options.js';
export type { SystemOptions };

export interface System {
  app: FastifyInstance;
  database: DatabaseHandle;
  providerAdmin: ReturnType<typeof createProviderService>;
  bulk: ConsentPipeline['bulk'];
  notifications: ConsentPipeline['notifications'];
  regulator: RegulatorService;
  onboarding: OnboardingService;
  webhooks: WebhookService;
  uploads: UploadService;
  gateway: GatewayService;
  transparencyLog: TransparencyLogService;
  retention: RetentionService;
  anomalies: AnomalyService;
  /** The sandbox catcher, when messages are not sent for real. */
  devOutbox: DevOutbox | undefined;
  close(): Promise<void>;
}

/** The composition root: every dependency is built and wired here, by hand, in one place. */
export async function createSystem(options: SystemOptions): Promise<System> {
  const { logger, clock = () => new Date() } = options;
  const { messaging } = options;
  const database = connectDatabase(options.databaseUrl, { max: 16 });
  const { db } = database;
  const keys = createKeyRing(options.masterKey);
  const cipher = new FieldCipher(keys);
  const signer = new TokenSigner(keys.signingKey);
  const calendar = turkishWorkingCalendar();

  const providers = createProviderRepository(db);
  const apiUsers = createApiUserRepository(db);
  const consentRepository = createConsentRepository(db);
  const bulkRequests = createBulkRequestRepository(db);
  const citizenRepository = createCitizenRepository(db);
  const outboxRepository = createOutboxRepository(db);
  const complaintRepository = createComplaintRepository(db);
  const throttles = createThrottleRepository(db);
  const limits = { ...DEFAULT_ABUSE_LIMITS, ...options.abuseLimits };
  const guard = createAbuseGuard({ throttles, limits, clock });

  const { emailSender, smsSender, devOutbox } = await createDeliveryAdapters(messaging);

  let closing = false;
  // While shutting down, connections dropping under pg-boss are expected, not worth an error line.
  const boss = await startBoss(
    options.databaseUrl,
    (error) => closing || logger.error({ err: error }, 'pg-boss error'),
  );

  // A job refers to the service it runs, which is built after it: the getter breaks the cycle.
  const sendJob = createSendMessageJob({ boss, outbox: () => outbox, logger });

  const retailerRepository = createRetailerRepository(db);
  const integratorRepository = createIntegratorRepository(db);
  const webhookRepository = createWebhookRepository(db, options.databaseUrl);
  const writer = {
    consents: consentRepository,
    retailers: retailerRepository,
    webhooks: webhookRepository,
    calendar,
  };
  const outbox = createOutboxService({
    outbox: outboxRepository,
    cipher,
    senders: { sms: smsSender, email: emailSender },
    clock,
  });
  const shortLinkRepository = createShortLinkRepository(db);
  const pipeline = composeConsentPipeline({
    db,
    boss,
    logger,
    clock,
    cipher,
    options,
    publicUrl: messaging.publicUrl,
    bulkRequests,
    providers,
    writer,
    outbox: outboxRepository,
    messages: outbox,
    shortLinks: shortLinkRepository,
  });
  const { bulk, notifications } = pipeline;
  const transparencyRepository = createTransparencyRepository(db);
  const logRepository = createTransparencyLogRepository(db);
  const transparencyLog = createTransparencyLogService({
    db,
    log: logRepository,
    keySeed: keys.logKeySeed,
    clock,
  });
  const registrySide = composeRegistrySide({
    db,
    boss,
    logger,
    clock,
    cipher,
    writer,
    outbox: outboxRepository,
    messages: outbox,
    sendQueue: sendJob.queue,
    consents: consentRepository,
    calendar,
    retention: options.retention,
    anomalyLimits: options.anomalyLimits,
    transparencyLog,
  });

  const citizenSide = composeCitizenSide({
    db,
    clock,
    cipher,
    signer,
    signingKey: keys.signingKey,
    calendar,
    guard,
    publicUrl: messaging.publicUrl,
    citizens: citizenRepository,
    consents: consentRepository,
    complaints: complaintRepository,
    providers,
    shortLinks: shortLinkRepository,
    outbox: outboxRepository,
    messages: outbox,
    sendQueue: sendJob.queue,
    writer,
    transparencyLog,
    companyMail: registrySide.companyMail,
    complaintAnswerDays: options.complaintAnswerDays,
    oidc: options.oidc,
  });
  const audit = createAuditRepository(db);
  const regulator = createRegulatorService({
    db,
    complaints: complaintRepository,
    providers,
    consents: consentRepository,
    audit,
    sessions: createStaffSessionRepository(db),
    outbox: outboxRepository,
    messages: outbox,
    queue: sendJob.queue,
    cipher,
    notifyCompany: registrySide.companyMail,
    clock,
  });
  const providerSide = composeProviderSide({
    db,
    boss,
    logger,
    clock,
    cipher,
    signingKey: keys.signingKey,
    publicUrl: messaging.publicUrl,
    providers,
    apiUsers,
    consents: consentRepository,
    outboxRepository,
    bulkRequests,
    audit,
    retailerRepository,
    integratorRepository,
    webhookRepository,
    writer,
    messages: outbox,
    sendQueue: sendJob.queue,
    notices: pipeline.noticeQueue,
    preparer: pipeline.preparer,
    webhooks: options.webhooks,
    uploadMaxBytes: options.uploadMaxBytes,
    uploadRowsPerBatch: options.uploadRowsPerBatch,
    guard,
  });
  const consentService = createConsentService({
    db,
    consents: consentRepository,
    writer,
    notices: pipeline.noticeQueue,
    cipher,
    pulls: transparencyRepository,
    clock,
  });
  const metrics = createMetrics();
  const countChecks = countGatewayChecks(metrics);
  const gateway = createGatewayService({
    gateway: createGatewayRepository(db),
    databaseUrl: options.databaseUrl,
    providers,
    cipher,
    signer: new ReceiptSigner(keys.receiptSeed),
    latestLogHead: () => transparencyLog.latestHead(),
    logger,
    limits,
    onChecked: countChecks,
    clock,
  });
  watchBulkBacklog(metrics, bulk);
  watchOutbox(metrics, outboxRepository);
  watchTransparencyLog(metrics, logRepository);
  const app = await createApp({
    logger,
    tokenRequestsPerHour: options.tokenRequestsPerHour ?? 600,
    trustedProxies: options.trustedProxies ?? [],
    brandModeration: createBrandModerationService({ providers, audit, clock }),
    audit,
    apiRequestLimiter: createWindowLimiter(
      options.apiRequestsPerSecond ?? DEFAULT_API_REQUESTS_PER_SECOND,
      1000,
    ),
    metrics,
    pingDatabase: async () => void (await sql`SELECT 1`.execute(db)),
    auth: createAuthService(apiUsers, clock),
    tenancy: createTenancyService(providers, integratorRepository),
    providers,
    consents: consentService,
    portalConsents: createPortalConsentService({
      providerPortal: providerSide.providerPortal,
      consents: consentService,
      reconciliation: providerSide.reconciliation,
    }),
    transparency: createTransparencyService({ transparency: transparencyRepository, clock }),
    transparencyLog,
    dashboard: createDashboardService({ dashboard: createDashboardRepository(db), clock }),
    bulk,
    regulator,
    ...citizenSide,
    ...providerSide,
    ...registrySide,
    inboundSmsSecret: messaging.inboundSmsSecret,
    metricsAccess: options.metricsAccess ?? (messaging.sandbox ? 'open' : 'off'),
    secureCookies: messaging.publicUrl.startsWith('https:'),
    devOutbox,
    gateway,
    webRoot: options.webRoot,
  });

  let expiredTokensJob: { stop(): Promise<void> } | undefined;
  // Every serving process keeps its own gateway index fresh from the change stream, workers or not.
  if (options.serve !== false) await gateway.start();
  if (options.workers !== false) {
    await providerSide.start();
    await registrySide.start();
    await sendJob.start();
    await pipeline.start();
    expiredTokensJob = await startExpiredTokensJob({
      boss,
      logger,
      sweeps: {
        tokens: async () => Number((await apiUsers.deleteExpiredTokens(clock()))[0]?.numDeletedRows ?? 0),
        throttles: () => throttles.sweep(clock()),
        unconfirmedApplications: () => providerSide.onboarding.deleteExpiredUnconfirmed(),
        staffSessions: () => regulator.deleteExpiredSessions(),
        shortLinks: () => shortLinkRepository.deleteExpired(clock()),
      },
    });
    // Messages left pending by an earlier run (crash, deploy) go out now; so does the pipeline's work.
    await sendJob.queue.sendSoon(await outbox.listPendingMessageIds({ notices: false }));
    await pipeline.resume();
  }

  return {
    app,
    database,
    providerAdmin: createProviderService(providers, apiUsers, clock),
    bulk,
    notifications,
    regulator,
    onboarding: providerSide.onboarding,
    webhooks: providerSide.webhooks,
    uploads: providerSide.uploads,
    gateway,
    transparencyLog,
    retention: registrySide.retention,
    anomalies: registrySide.anomalies,
    devOutbox,
    async close() {
      closing = true;
      await app.close();
      await gateway.stop();
      await providerSide.stop();
      await registrySide.stop();
      await pipeline.stop();
      await sendJob.stop();
      await expiredTokensJob?.stop();
      await boss.stop({ graceful: true, wait: true });
      emailSender.close?.();
      await devOutbox?.stop();
      await database.close();
    },
  };
}
