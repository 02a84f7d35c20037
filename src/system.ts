import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { FieldCipher } from './crypto/field-cipher.js';
import { createKeyRing } from './crypto/keys.js';
import { connectDatabase, type DatabaseHandle } from './db/connect.js';
import { turkishWorkingCalendar } from './domain/business-days.js';
import { createApp } from './http/app.js';
import { createMetrics, watchBulkBacklog } from './http/metrics.js';
import { startBoss } from './jobs/boss.js';
import { createBulkConsentsWorker } from './jobs/bulk-consents.job.js';
import { startExpiredTokensJob } from './jobs/expired-tokens.job.js';
import { createApiUserRepository } from './repositories/api-user.repository.js';
import { createBulkRequestRepository } from './repositories/bulk-request.repository.js';
import { createConsentRepository } from './repositories/consent.repository.js';
import { createProviderRepository } from './repositories/provider.repository.js';
import { createAuthService } from './services/auth.service.js';
import { createBulkService, type BulkService } from './services/bulk.service.js';
import { createConsentService } from './services/consent.service.js';
import { createProviderService } from './services/provider.service.js';
import { createTenancyService } from './services/tenancy.service.js';

export interface SystemOptions {
  databaseUrl: string;
  masterKey: Buffer;
  logger: Logger;
  clock?: () => Date;
  /** Start the background workers (bulk processing, maintenance); off for CLI commands. */
  workers?: boolean;
  tokenRequestsPerHour?: number;
}

export interface System {
  app: FastifyInstance;
  database: DatabaseHandle;
  providerAdmin: ReturnType<typeof createProviderService>;
  bulk: BulkService;
  close(): Promise<void>;
}

/** The composition root: every dependency is built and wired here, by hand, in one place. */
export async function createSystem(options: SystemOptions): Promise<System> {
  const { logger, clock = () => new Date() } = options;
  const database = connectDatabase(options.databaseUrl, { max: 16 });
  const { db } = database;
  const cipher = new FieldCipher(createKeyRing(options.masterKey));
  const calendar = turkishWorkingCalendar();

  const providers = createProviderRepository(db);
  const apiUsers = createApiUserRepository(db);
  const consentRepository = createConsentRepository(db);
  const bulkRequests = createBulkRequestRepository(db);

  let closing = false;
  // While shutting down, connections dropping under pg-boss are expected, not worth an error line.
  const boss = await startBoss(
    options.databaseUrl,
    (error) => closing || logger.error({ err: error }, 'pg-boss error'),
  );
  // The worker applies what the service accepts, and the service queues through the worker: the getter
  // breaks the cycle (it is first called after both exist).
  const worker = createBulkConsentsWorker({ boss, bulk: () => bulk, logger });
  const bulk = createBulkService({
    db,
    bulkRequests,
    consents: consentRepository,
    providers,
    cipher,
    calendar,
    queue: worker.queue,
    clock,
  });

  const auth = createAuthService(apiUsers, clock);
  const metrics = createMetrics();
  watchBulkBacklog(metrics, bulk);
  const app = await createApp({
    logger,
    tokenRequestsPerHour: options.tokenRequestsPerHour ?? 600,
    metrics,
    pingDatabase: async () => void (await sql`SELECT 1`.execute(db)),
    auth,
    tenancy: createTenancyService(providers),
    providers,
    consents: createConsentService({ db, consents: consentRepository, cipher, calendar, clock }),
    bulk,
  });

  if (options.workers !== false) {
    await worker.start();
    await startExpiredTokensJob({ boss, users: apiUsers, logger, clock });
    const resumed = await bulk.resumeUnfinished();
    if (resumed > 0) logger.info({ resumed }, 'resumed unfinished bulk requests');
  }

  return {
    app,
    database,
    providerAdmin: createProviderService(providers, apiUsers, clock),
    bulk,
    async close() {
      closing = true;
      await app.close();
      await worker.stop();
      await boss.stop({ graceful: true, wait: true });
      await database.close();
    },
  };
}
