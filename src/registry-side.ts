import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/types.js';
import { createLineClosuresJob } from './jobs/line-closures.job.js';
import { startRetentionJob } from './jobs/retention.job.js';
import { startLogAuditJob } from './jobs/log-audit.job.js';
import { startLogSequencerJob } from './jobs/log-sequencer.job.js';
import type { TransparencyLogService } from './services/transparency-log.service.js';
import { startAnomalyScanJob } from './jobs/anomaly-scan.job.js';
import { startKeptFiguresJob } from './jobs/kept-figures.job.js';
import { createConsentCountRepository } from './repositories/consent-count.repository.js';
import { createTransparencyRepository } from './repositories/transparency.repository.js';
import type { WorkingCalendar } from './domain/business-days.js';
import type { AnomalyLimits } from './domain/upload-anomalies.js';
import { createAnomalyRepository } from './repositories/anomaly.repository.js';
import { createAnomalyService } from './services/anomaly.service.js';
import type { ConsentRepository } from './repositories/consent.repository.js';
import { createRetentionRepository } from './repositories/retention.repository.js';
import {
  createRetentionService,
  DEFAULT_RETENTION,
  type RetentionSettings,
} from './services/retention.service.js';
import { createComplaintAnswerRepository } from './repositories/complaint-answer.repository.js';
import { createEvidenceRepository } from './repositories/evidence.repository.js';
import { createLineClosureRepository } from './repositories/line-closure.repository.js';
import type { OutboxRepository } from './repositories/outbox.repository.js';
import { createPortalUserRepository } from './repositories/portal-user.repository.js';
import { createCompanyMail } from './services/company-mail.js';
import { createComplaintAnswerService } from './services/complaint-answers.service.js';
import type { WriterDeps } from './services/consent-writer.js';
import { createEvidenceService } from './services/evidence.service.js';
import { createLineClosureService } from './services/line-closure.service.js';
import type { MessageQueue, OutboxService } from './services/outbox.service.js';

/**
 * The registry's own duties, as opposed to what providers, citizens and gateways ask of it (see system.ts):
 * the transparency log's sequencer and nightly audit, line closures reported by operators, consent evidence and the company's side of complaints, retention and
 * erasure, suspicious-submission flags, the kept per-company figures, and the mail
 * that tells a company what it must act on. Wired by hand from the shared pieces.
 */
export function composeRegistrySide(deps: {
  db: Kysely<Database>;
  boss: PgBoss;
  logger: Logger;
  clock: () => Date;
  cipher: FieldCipher;
  writer: WriterDeps;
  outbox: OutboxRepository;
  messages: OutboxService;
  sendQueue: MessageQueue;
  consents: ConsentRepository;
  calendar: WorkingCalendar;
  retention?: RetentionSettings;
  anomalyLimits?: Partial<AnomalyLimits>;
  transparencyLog: TransparencyLogService;
}) {
  const { db, boss, logger, clock, cipher, writer } = deps;
  const companyMail = createCompanyMail({
    db,
    users: createPortalUserRepository(db),
    outbox: deps.outbox,
    messages: deps.messages,
    queue: deps.sendQueue,
  });
  const evidence = createEvidenceService({ evidence: createEvidenceRepository(db), cipher, clock });
  const complaintAnswers = createComplaintAnswerService({
    answers: createComplaintAnswerRepository(db),
    evidence,
    cipher,
    clock,
  });
  const closuresJob = createLineClosuresJob({ boss, lineClosures: () => lineClosures, logger });
  const lineClosures = createLineClosureService({
    db,
    closures: createLineClosureRepository(db),
    writer,
    cipher,
    queue: closuresJob.queue,
    clock,
  });
  const retention = createRetentionService({
    retention: createRetentionRepository(db),
    consents: deps.consents,
    cipher,
    settings: deps.retention ?? DEFAULT_RETENTION,
    clock,
  });
  const anomalies = createAnomalyService({
    anomalies: createAnomalyRepository(db),
    calendar: deps.calendar,
    notifyCompany: companyMail,
    limits: deps.anomalyLimits,
    clock,
  });
  const { transparencyLog } = deps;
  const jobs: Array<{ stop(): Promise<void> }> = [];
  return {
    lineClosures,
    retention,
    anomalies,
    evidence,
    complaintAnswers,
    companyMail,
    async start(): Promise<void> {
      await closuresJob.start();
      jobs.push(
        startLogSequencerJob({ log: transparencyLog, logger }),
        await startLogAuditJob({ boss, logger, audit: () => transparencyLog.audit() }),
        await startRetentionJob({ boss, retention, logger }),
        await startAnomalyScanJob({ boss, anomalies, logger }),
        await startKeptFiguresJob({
          boss,
          counts: createConsentCountRepository(db),
          transparency: createTransparencyRepository(db),
          clock,
          logger,
        }),
      );
      if ((await lineClosures.countPending()) > 0) await closuresJob.queue.wake();
    },
    async stop(): Promise<void> {
      await closuresJob.stop();
      for (const job of jobs.splice(0)) await job.stop();
    },
  };
}

export type RegistrySide = ReturnType<typeof composeRegistrySide>;
