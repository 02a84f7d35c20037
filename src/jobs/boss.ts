import PgBoss from 'pg-boss';

/** pg-boss on the application's own database, in its own schema: no extra server to run. */
export async function startBoss(databaseUrl: string, onError: (error: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, max: 4, schema: 'pgboss' });
  boss.on('error', onError);
  await boss.start();
  return boss;
}
