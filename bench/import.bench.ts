/**
 * `npm run bench -- import`: a 1,000,000-row CSV of consents end to end — uploaded through the portal over
 * HTTP, streamed into encrypted chunks, applied in the background with every rule, notices and webhooks —
 * against a raw `COPY` of the same file into a bare one-index table on the same database, in the same run.
 * Prints both rates with their CPU per row (Node, PostgreSQL) and `import ratio = end-to-end / COPY`.
 * BENCH_IMPORT_ROWS sets the size; `--statements` prints PostgreSQL's time by statement (bench/statements.ts),
 * `--statement-cpu` its CPU by statement (bench/statement-cpu.ts).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { prepareDatabase } from '../src/runtime.js';
import { formatWireDate } from '../src/domain/wire-date.js';
import { createSystem, SANDBOX_MESSAGING } from '../src/system.js';
import { onboardProvider } from '../test/helpers/portal.js';
import type { TestSystem } from '../test/helpers/system.js';
import { createBenchDatabase } from './bench-database.js';
import { cpuPerRow, sampleCpu } from './cpu.js';
import { startStatementCpu } from './statement-cpu.js';
import { statementsProfile } from './statements.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
/** Accept threads of the server: 0, the default on 2 cores (config.ts); BENCH_ACCEPT_THREADS=1 compares. */
const ACCEPT_THREADS = Number(process.env.BENCH_ACCEPT_THREADS ?? 0);

async function writeCsv(file: string): Promise<void> {
  const consentDate = formatWireDate(new Date(Date.now() - 3600_000));
  const out = createWriteStream(file);
  out.write('recipient,recipientType,type,status,source,consentDate\n');
  for (let i = 0; i < ROWS; i++) {
    const line = `+90535${String(i).padStart(7, '0')},BIREYSEL,MESAJ,ONAY,HS_WEB,${consentDate}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

export async function benchImport(flags: string[] = []): Promise<void> {
  const database = await createBenchDatabase();
  const file = path.join(tmpdir(), `openiys-import-${process.pid}.csv`);
  await writeCsv(file);
  await prepareDatabase(database.url, undefined); // migrations and job queues, as `npm start` does

  // Baseline: COPY of the same file into a bare table with one index.
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`CREATE TABLE bench_raw (recipient text, recipient_type text, type text, status text,
    source text, consent_date text, PRIMARY KEY (recipient, recipient_type, type))`);
  const copyStarted = performance.now();
  const copyCpu = sampleCpu();
  await pipeline(
    createReadStream(file),
    client.query(copyFrom('COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)')),
  );
  const copyRate = ROWS / ((performance.now() - copyStarted) / 1000);
  const copyCpuPerRow = cpuPerRow(copyCpu, sampleCpu(), ROWS);
  await client.end();

  const system = await createSystem({
    databaseUrl: database.url,
    masterKey: randomBytes(32),
    logger: pino({ level: 'warn' }),
    messaging: SANDBOX_MESSAGING,
    webhooks: { allowLoopbackHttp: true },
    acceptThreads: ACCEPT_THREADS,
  });
  try {
    await system.app.listen({ port: 0, host: '127.0.0.1' });
    const address = system.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const { admin, brandCode } = await onboardProvider({ app: system.app, system } as unknown as TestSystem);

    const statementsPool = flags.includes('--statements')
      ? new pg.Pool({ connectionString: database.url, max: 1 })
      : undefined;
    const statements = statementsPool && (await statementsProfile(statementsPool));
    await statements?.reset();
    const statementCpu = flags.includes('--statement-cpu')
      ? await startStatementCpu(database.url)
      : undefined;
    const started = performance.now();
    const cpu = sampleCpu();
    const form = new FormData();
    form.set('file', await openAsBlob(file, { type: 'text/csv' }), 'izinler.csv');
    const sent = await fetch(`${base}/api/portal/brands/${brandCode}/uploads`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
      body: form,
    });
    if (sent.status !== 200) throw new Error(await sent.text());
    const { id } = (await sent.json()) as { id: string };
    const received = performance.now();
    let upload: { status: string; rowsApplied: number; rowsFailed: number };
    for (;;) {
      upload = await (
        await fetch(`${base}/api/portal/uploads/${id}`, { headers: { cookie: admin.cookie } })
      ).json();
      if (upload.status === 'completed' || upload.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const uploadCpuPerRow = cpuPerRow(cpu, sampleCpu(), ROWS);
    await statements?.print(ROWS);
    await statementsPool?.end();
    await statementCpu?.print(ROWS);
    if (upload.status !== 'completed' || upload.rowsApplied !== ROWS)
      throw new Error(`upload ended ${JSON.stringify(upload)}`);
    const rate = ROWS / seconds;
    console.log(`import: ${ROWS.toLocaleString('en')} rows in one CSV, ${ACCEPT_THREADS} accept threads`);
    console.log(
      `  raw COPY into a bare table:  ${Math.round(copyRate).toLocaleString('en')} rows/s — ${copyCpuPerRow}`,
    );
    console.log(
      `  portal upload end to end:   ${Math.round(rate).toLocaleString('en')} rows/s ` +
        `(received and stored in ${((received - started) / 1000).toFixed(1)} s, applied in ${seconds.toFixed(1)} s) — ` +
        uploadCpuPerRow,
    );
    console.log(`  import ratio = ${(rate / copyRate).toFixed(3)} (target ≥ 0.05 at 1,000,000 rows)`);
  } finally {
    await system.close();
    await database.close();
    rmSync(file, { force: true });
  }
}
