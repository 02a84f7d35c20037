import PgBoss from 'pg-boss';
import { JOB_SCHEMA } from './queues.js';

/**
 * pg-boss on the application's own database, in its own schema: no extra server to run. Its schema and
 * queues are installed by the owner (queues.ts); the server only checks they are there (`migrate: false`).
 */
export async function startBoss(databaseUrl: string, onError: (error: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, max: 4, schema: JOB_SCHEMA, migrate: false });
  boss.on('error', onError);
  await boss.start();
  return boss;
}
