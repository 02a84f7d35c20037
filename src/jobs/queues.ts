import PgBoss from 'pg-boss';
import { BULK_CONSENTS_QUEUE } from './bulk-consents.job.js';
import { CONSENT_NOTICES_QUEUE } from './consent-notices.job.js';
import { CONSENT_UPLOAD_QUEUE } from './consent-upload.job.js';
import { EXPIRED_TOKENS_QUEUE } from './expired-tokens.job.js';
import { KEPT_FIGURES_QUEUE } from './kept-figures.job.js';
import { LINE_CLOSURES_QUEUE } from './line-closures.job.js';
import { LOG_AUDIT_QUEUE } from './log-audit.job.js';
import { RETENTION_QUEUE } from './retention.job.js';
import { ANOMALY_SCAN_QUEUE } from './anomaly-scan.job.js';
import { SEND_MESSAGE_QUEUE, SEND_NOTICE_QUEUE } from './send-message.job.js';

export const JOB_SCHEMA = 'pgboss';

/** Every queue the server works, with its pg-boss policy. */
const QUEUES: Array<{ name: string; policy?: 'short' }> = [
  { name: BULK_CONSENTS_QUEUE },
  { name: CONSENT_UPLOAD_QUEUE },
  { name: SEND_MESSAGE_QUEUE },
  { name: SEND_NOTICE_QUEUE },
  // One pending wake-up at a time: a burst of consents needs one notice run, not one per consent.
  { name: CONSENT_NOTICES_QUEUE, policy: 'short' },
  { name: EXPIRED_TOKENS_QUEUE },
  { name: LOG_AUDIT_QUEUE },
  { name: RETENTION_QUEUE },
  { name: ANOMALY_SCAN_QUEUE },
  { name: KEPT_FIGURES_QUEUE },
  // One pending wake-up at a time: a run applies every pending closure.
  { name: LINE_CLOSURES_QUEUE, policy: 'short' },
];

/**
 * Installs (or upgrades) pg-boss's schema and creates every queue, as the database owner: a pg-boss queue
 * is a partition of its job table, which only the table's owner may attach, so the serving role (which owns
 * nothing) could not create one. Idempotent. Queues are created one at a time: pg-boss's createQueue
 * deadlocks with itself when run concurrently.
 */
export async function installJobQueues(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    max: 1,
    supervise: false,
    schedule: false,
  });
  // Failures surface from start() and createQueue(); an 'error' event nobody hears would end the process.
  boss.on('error', () => {});
  await boss.start();
  try {
    for (const { name, policy } of QUEUES) await boss.createQueue(name, { name, policy });
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}
