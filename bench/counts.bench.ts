/**
 * `npm run bench -- counts`: what the registry's per-company figures cost as it grows. The public
 * transparency page (no sign-in) and the regulator's dashboard show consents and refusals per provider and
 * per brand. At each size (BENCH_STORED, default 1,000,000 consents, preloaded in SQL, their movements a
 * month old and one in a hundred of them a citizen's refusal):
 *  - the figures computed once before the kept-figures job has tallied the settled opt-outs, the tally,
 *    and the figures computed once after it, as the page does once a minute (ms);
 *  - GET /api/public/transparency under load, requests/s, against GET /api/public/provinces (a static
 *    answer through the same server) in the same run;
 *  - the dashboard's two per-company queries (ms).
 */
import pg from 'pg';
import { createDashboardRepository } from '../src/repositories/dashboard.repository.js';
import { createTransparencyRepository } from '../src/repositories/transparency.repository.js';
import { load } from './autocannon.js';
import { startBenchServer } from './bench-database.js';
import { preloadTo } from './ingest.bench.js';

const STEPS = (process.env.BENCH_STORED ?? '1000000').split(',').map(Number);

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * The preloaded movements, made a month old, and one in a hundred a citizen's refusal through the registry
 * (RET, IYS_WEB): the public page's opt-out figures judge every such refusal older than a day. Straight in
 * SQL with triggers off (a superuser's `session_replication_role`), as the preload itself; the projection
 * is left as it was, since only the figures' queries read these movements.
 */
async function ageMovements(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SET session_replication_role = replica`);
    await client.query(
      `UPDATE consent_events SET creation_date = now() - interval '30 days',
         status = CASE WHEN id % 100 = 0 THEN 'RET' ELSE status END,
         source = CASE WHEN id % 100 = 0 THEN 'IYS_WEB' ELSE source END
       WHERE creation_date > now() - interval '1 day'`,
    );
    await client.query('VACUUM (ANALYZE) consent_events');
  } finally {
    client.release();
  }
}

export async function benchCounts(): Promise<void> {
  const server = await startBenchServer();
  const { system, base } = server;
  const pool = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pgcrypto'); // gen_random_bytes, for the preload
    const { rows } = await pool.query<{ id: number }>(`SELECT id FROM brands WHERE brand_code = 700010`);
    const transparency = createTransparencyRepository(system.database.db);
    const dashboard = createDashboardRepository(system.database.db);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const rate = (n: number) => Math.round(n).toLocaleString('en');
    for (const stored of STEPS) {
      await preloadTo(pool, rows[0]!.id, stored);
      await ageMovements(pool);
      console.log(`counts at ${rate(stored)} stored consents`);
      console.log(
        `  figures, before any tally      : ${ms(await timed(() => transparency.providerFigures(new Date())))}`,
      );
      // What the kept-figures job does once the refusals' days are settled (they are a month old here).
      console.log(
        `  opt-outs tallied (once)        : ${ms(await timed(() => transparency.tallyOptOuts(new Date())))}`,
      );
      console.log(
        `  figures, after the tally       : ${ms(await timed(() => transparency.providerFigures(new Date())))}`,
      );
      console.log(
        `  dashboard, per brand           : ${ms(await timed(() => dashboard.optOutRateByBrand()))}`,
      );
      console.log(
        `  dashboard, per provider        : ${ms(await timed(() => dashboard.complaintsByProvider()))}`,
      );
      const page = await load(`${base}/api/public/transparency`, { connections: 10 });
      const baseline = await load(`${base}/api/public/provinces`, { connections: 10 });
      console.log(`  GET /api/public/transparency   : ${rate(page)} req/s`);
      console.log(`  GET /api/public/provinces      : ${rate(baseline)} req/s`);
      console.log(`  transparency / provinces = ${(page / baseline).toFixed(3)}`);
    }
  } finally {
    await pool.end();
    await server.close();
  }
}
