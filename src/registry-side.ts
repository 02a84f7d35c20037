import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { FieldCipher } from './crypto/field-cipher.js';
import type { Database } from './db/types.js';
import { createLineClosuresJob } from './jobs/line-closures.job.js';
import { createLineClosureRepository } from './repositories/line-closure.repository.js';
import type { WriterDeps } from './services/consent-writer.js';
import { createLineClosureService } from './services/line-closure.service.js';

/**
 * The registry's own duties, as opposed to what providers, citizens and gateways ask of it (see system.ts):
 * line closures reported by operators. Wired by hand from the shared pieces.
 */
export function composeRegistrySide(deps: {
  db: Kysely<Database>;
  boss: PgBoss;
  logger: Logger;
  clock: () => Date;
  cipher: FieldCipher;
  writer: WriterDeps;
}) {
  const { db, boss, logger, clock, cipher, writer } = deps;
  const closuresJob = createLineClosuresJob({ boss, lineClosures: () => lineClosures, logger });
  const lineClosures = createLineClosureService({
    db,
    closures: createLineClosureRepository(db),
    writer,
    cipher,
    queue: closuresJob.queue,
    clock,
  });
  return {
    lineClosures,
    async start(): Promise<void> {
      await closuresJob.start();
      if ((await lineClosures.countPending()) > 0) await closuresJob.queue.wake();
    },
    async stop(): Promise<void> {
      await closuresJob.stop();
    },
  };
}

export type RegistrySide = ReturnType<typeof composeRegistrySide>;
