/**
 * Ingest: consents per second through the bulk API (HTTP → validation → encryption → durable request →
 * pg-boss worker → rules → event log + projection), against the raw baseline of the same rows written with
 * one INSERT … SELECT FROM unnest(…) ON CONFLICT per 1000 rows into a bare table on the same database,
 * with the same number of requests in flight.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import pino from 'pino';
import { prepareDatabase } from '../src/runtime.js';
import { formatWireDate } from '../src/domain/wire-date.js';
import { createSystem, SANDBOX_MESSAGING } from '../src/system.js';
import { createBenchDatabase, runWithConcurrency } from './bench-database.js';

const TOTAL = Number(process.env.BENCH_INGEST_TOTAL ?? 200_000);
const BATCH = 1000;
const IN_FLIGHT = 4;

export async function benchIngest(): Promise<void> {
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined); // migrations and job queues, as `npm start` does

  const consentDate = formatWireDate(new Date(Date.now() - 120_000));
  const batches = Array.from({ length: TOTAL / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => ({
      recipient: `+90532${String(b * BATCH + i).padStart(7, '0')}`,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    })),
  );

  // Raw baseline.
  const pool = new pg.Pool({ connectionString: database.url, max: IN_FLIGHT });
  await pool.query(`CREATE TABLE raw_consents (
    recipient text, recipient_type text, type text, status text, source text, consent_date timestamptz,
    PRIMARY KEY (recipient, recipient_type, type))`);
  const rawStart = performance.now();
  await runWithConcurrency(
    batches.map(
      (batch) => () =>
        pool.query(
          `INSERT INTO raw_consents SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         ON CONFLICT (recipient, recipient_type, type) DO UPDATE SET status = EXCLUDED.status`,
          [
            batch.map((c) => c.recipient),
            batch.map((c) => c.recipientType),
            batch.map((c) => c.type),
            batch.map((c) => c.status),
            batch.map((c) => c.source),
            batch.map((c) => `${c.consentDate}+03`),
          ],
        ),
    ),
    IN_FLIGHT,
  );
  const rawSeconds = (performance.now() - rawStart) / 1000;

  // Through the API, over real HTTP.
  const system = await createSystem({
    databaseUrl: database.url,
    masterKey: randomBytes(32),
    logger: pino({ level: 'warn' }),
    messaging: SANDBOX_MESSAGING,
    // Measures the write path, not the per-user request budget.
    apiRequestsPerSecond: 1e6,
  });
  await system.providerAdmin.seedDemo();
  const url = await system.app.listen({ port: 0, host: '127.0.0.1' });
  const tokenResponse = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: 'demo', password: 'demo-password-123' }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

  const apiStart = performance.now();
  await runWithConcurrency(
    batches.map((batch) => async () => {
      const response = await fetch(`${url}/sps/700001/brands/700010/consents/request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(batch),
      });
      if (response.status !== 200)
        throw new Error(`bulk request failed: ${response.status} ${await response.text()}`);
    }),
    IN_FLIGHT,
  );
  const acceptedSeconds = (performance.now() - apiStart) / 1000;
  while ((await system.bulk.countUnfinished()) > 0) await sleep(20);
  const apiSeconds = (performance.now() - apiStart) / 1000;

  const applied = Number((await pool.query('SELECT count(*) AS n FROM consents')).rows[0].n);
  await pool.end();
  await system.close();
  await database.close();
  if (applied !== TOTAL) throw new Error(`expected ${TOTAL} consents, found ${applied}`);

  const rawRate = TOTAL / rawSeconds;
  const apiRate = TOTAL / apiSeconds;
  console.log(`ingest: ${TOTAL} consents, ${BATCH} per request, ${IN_FLIGHT} in flight`);
  console.log(
    `  raw unnest insert : ${Math.round(rawRate).toLocaleString('en')} rows/s (${rawSeconds.toFixed(2)} s)`,
  );
  console.log(
    `  bulk API accepted : ${Math.round(TOTAL / acceptedSeconds).toLocaleString('en')} rows/s (${acceptedSeconds.toFixed(2)} s, durable)`,
  );
  console.log(
    `  bulk API applied  : ${Math.round(apiRate).toLocaleString('en')} rows/s (${apiSeconds.toFixed(2)} s)`,
  );
  console.log(`ingest ratio = api/raw = ${(apiRate / rawRate).toFixed(2)} (target ≥ 0.5)`);
}
