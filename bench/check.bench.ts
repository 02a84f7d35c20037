/**
 * Gateway check: how fast a message gateway gets answers, each figure against a baseline in the same run.
 *  - single-recipient check requests/s vs GET /health on the same server, with 10 and with 100 connections
 *  - recipients checked/s with 1000-recipient requests
 *  - the same through `npm start` with one server process per core (OPENIYS_PROCESSES=2) vs one process
 *  - in-process index lookups/s vs a bare Map<string, number> of the same size
 *  - opt-out freshness: provider RET committed → index answers "not allowed", p50/p99 over 1000 changes,
 *    in the process that wrote it and in another (`npm start`, 2 processes)
 *  - memory per 1,000,000 indexed consents
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { formatWireDate } from '../src/domain/wire-date.js';
import { ConsentIndex } from '../src/services/gateway/consent-index.js';
import { DURATION_S, warmLoad } from './autocannon.js';
import { runWithConcurrency, startBenchServer } from './bench-database.js';
import { percentile } from './stats.js';
import { nodeArgs } from './entry-point.js';

const CONSENTS = 20_000;
const FRESHNESS_CHANGES = Number(process.env.BENCH_CHECK_CHANGES ?? 1000);
// Each freshness run refuses its own indexed consents: two runs must fit in them.
if (!(FRESHNESS_CHANGES > 0 && 2 * FRESHNESS_CHANGES <= CONSENTS))
  throw new Error(`BENCH_CHECK_CHANGES must be between 1 and ${CONSENTS / 2}`);

const phone = (i: number) => `+90532${String(i).padStart(7, '0')}`;

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/**
 * `npm start`'s server (src/main.ts) with `processes` server processes on the bench database, as an API-only
 * deployment with the same master key (so it reads the same blind indexes) and no quotas in the way.
 * Resolves once every process has loaded its gateway index.
 */
async function startServerProcesses(databaseUrl: string, masterKey: Buffer, processes: number) {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs('src/main'), {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      OPENIYS_MASTER_KEY: masterKey.toString('hex'),
      OPENIYS_SANDBOX: 'true',
      OPENIYS_ROLE: 'api',
      OPENIYS_PROCESSES: String(processes),
      PORT: String(port),
      LOG_LEVEL: 'info',
      OPENIYS_API_REQUESTS_PER_SECOND: '1000000',
      OPENIYS_GATEWAY_REQUESTS_PER_SECOND: '1000000',
      OPENIYS_GATEWAY_RECIPIENTS_PER_MINUTE: '1000000000000',
      OPENIYS_GATEWAY_SCAN_RECIPIENTS_PER_HOUR: '1000000000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let loaded = 0;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`server exited (${code}): ${output.slice(-2000)}`));
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      loaded += chunk.toString().split('gateway index loaded').length - 1;
      if (loaded < processes) return;
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      resolve();
    };
    child.once('exit', onExit);
    child.stdout.on('data', onData);
  });
  // Its request log is drained unread (the bench process stays out of the measurement), as a log shipper would.
  child.stdout.resume();
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/**
 * Opt-out freshness: a provider RET through `writeBase`, then gateway checks against `checkBase` until it
 * answers "not allowed"; milliseconds from the RET's answer, one per change. Recipients `first`… of the
 * indexed consents (each used once: a second RET would find the index already refusing).
 */
async function measureFreshness(options: {
  writeBase: string;
  checkBase: string;
  provider: Record<string, string>;
  gateway: Record<string, string>;
  first: number;
}): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = options.first; i < options.first + FRESHNESS_CHANGES; i++) {
    const recipient = phone(i);
    const response = await fetch(`${options.writeBase}/sps/700001/brands/700010/consents`, {
      method: 'POST',
      headers: options.provider,
      body: JSON.stringify({
        recipient,
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'RET',
        source: 'HS_WEB',
        consentDate: formatWireDate(new Date()),
      }),
    });
    const committed = performance.now();
    if (response.status !== 200) throw new Error(await response.text());
    for (;;) {
      const check = await fetch(`${options.checkBase}/gateway/v1/check`, {
        method: 'POST',
        headers: options.gateway,
        body: JSON.stringify({ brandCode: 700010, type: 'MESAJ', recipients: [recipient] }),
      });
      const { results } = (await check.json()) as { results: Array<{ allowed: boolean }> };
      if (!results[0]!.allowed) break;
    }
    latencies.push(performance.now() - committed);
  }
  return latencies;
}

export async function benchCheck(): Promise<void> {
  const masterKey = randomBytes(32);
  const server = await startBenchServer({ masterKey });
  const { system, base } = server;
  const token = server.demoToken;
  const provider = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

  // Consents to check against, uploaded through the bulk API; the index learns them from the change stream.
  // Legacy records (HS_2015) send no notices, so no notice delivery runs beside the measurement.
  const consentDate = '2015-05-01 00:00:00';
  await runWithConcurrency(
    Array.from({ length: CONSENTS / 1000 }, (_, b) => async () => {
      const batch = Array.from({ length: 1000 }, (_, i) => ({
        recipient: phone(b * 1000 + i),
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'ONAY',
        source: 'HS_2015',
        consentDate,
      }));
      const response = await fetch(`${base}/sps/700001/brands/700010/consents/request`, {
        method: 'POST',
        headers: provider,
        body: JSON.stringify(batch),
      });
      if (response.status !== 200) throw new Error(await response.text());
    }),
    4,
  );
  while (system.gateway.index.size < CONSENTS) await new Promise((resolve) => setTimeout(resolve, 50));

  const account = await system.gateway.addAccount('Bench Operatör', ['MESAJ'], { seesDetail: true });
  const gateway = { 'content-type': 'application/json', authorization: `Bearer ${account.token}` };
  const health = await warmLoad(`${base}/health`, {});
  const singleCheck = {
    method: 'POST' as const,
    headers: gateway,
    body: JSON.stringify({ brandCode: 700010, type: 'MESAJ', recipients: [phone(42)] }),
  };
  const single = await warmLoad(`${base}/gateway/v1/check`, singleCheck);
  // An operator's gateway sends many checks at once: their receipts then share larger signed batches.
  const busyHealth = await warmLoad(`${base}/health`, { connections: 100 });
  const busySingle = await warmLoad(`${base}/gateway/v1/check`, { ...singleCheck, connections: 100 });
  const thousandBody = JSON.stringify({
    brandCode: 700010,
    type: 'MESAJ',
    recipients: Array.from({ length: 1000 }, (_, i) => phone(i * 7)),
  });
  const thousand = await warmLoad(`${base}/gateway/v1/check`, {
    method: 'POST',
    headers: gateway,
    body: thousandBody,
  });

  // The same load against `npm start` with two server processes (the in-process server idles meanwhile),
  // and against one, so the ratio compares like with like (both separate processes behind a primary).
  // With two processes, opt-out freshness across processes too: the refusal is written through this
  // process, and another process's gateway index must learn it from the log.
  const perProcesses = new Map<number, { health: number; thousand: number }>();
  let otherProcess: number[] = [];
  for (const processes of [1, 2]) {
    const cluster = await startServerProcesses(server.databaseUrl, masterKey, processes);
    try {
      perProcesses.set(processes, {
        health: await warmLoad(`${cluster.base}/health`, {}),
        thousand: await warmLoad(`${cluster.base}/gateway/v1/check`, {
          method: 'POST',
          headers: gateway,
          body: thousandBody,
        }),
      });
      if (processes === 2)
        otherProcess = await measureFreshness({
          writeBase: base,
          checkBase: cluster.base,
          provider,
          gateway,
          first: FRESHNESS_CHANGES,
        });
    } finally {
      await cluster.stop();
    }
  }
  const one = perProcesses.get(1)!;
  const two = perProcesses.get(2)!;

  // In-process lookups as a check makes them (the blind index as its latin1 string, straight from the HMAC
  // digest; the brand and channel resolved once per request), against a bare Map of the same strings. The
  // Map gets the same string objects, whose hashes V8 caches after the first look-up: a kind baseline.
  const keys = Array.from({ length: 200_000 }, () => randomBytes(32));
  const ids = keys.map((key) => key.toString('latin1'));
  const index = new ConsentIndex();
  const bare = new Map<string, number>();
  keys.forEach((key, i) => {
    index.set(1, 'BIREYSEL', 'MESAJ', key, { status: 'ONAY', since: 1_700_000_000 + i });
    bare.set(ids[i]!, i);
  });
  const LOOKUPS = 2_000_000;
  let hits = 0;
  const entries = index.channel(1, 'MESAJ');
  let started = performance.now();
  for (let i = 0; i < LOOKUPS; i++) if (entries.individual?.get(ids[i % ids.length]!) !== undefined) hits++;
  const indexRate = LOOKUPS / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let i = 0; i < LOOKUPS; i++) if (bare.get(ids[i % ids.length]!) !== undefined) hits++;
  const bareRate = LOOKUPS / ((performance.now() - started) / 1000);
  if (hits !== 2 * LOOKUPS) throw new Error('lookup miss');

  // Opt-out freshness in the process that wrote the refusal (the other process's is measured above).
  const sameProcess = await measureFreshness({
    writeBase: base,
    checkBase: base,
    provider,
    gateway,
    first: 0,
  });

  // Memory of one million indexed consents.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // The index keeps its tables in typed arrays, outside the JavaScript heap: both are counted.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const heapBefore = used();
  const million = new ConsentIndex();
  for (let i = 0; i < 1_000_000; i++)
    million.set(1 + (i % 10), 'BIREYSEL', 'MESAJ', randomBytes(32), { status: 'ONAY', since: 1_700_000_000 });
  gc?.();
  const heapPerMillion = used() - heapBefore;
  if (million.size !== 1_000_000) throw new Error('index size'); // keeps the index alive through the measurement

  await server.close();

  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`check: ${CONSENTS} consents indexed, ${DURATION_S} s per load, 10 connections`);
  console.log(`  GET /health                : ${fmt(health)} req/s`);
  console.log(
    `  single-recipient check     : ${fmt(single)} req/s → check ratio = ${(single / health).toFixed(2)} (target ≥ 0.5)`,
  );
  console.log(
    `    … with 100 connections   : ${fmt(busySingle)} req/s against GET /health ${fmt(busyHealth)} req/s → ratio ${(busySingle / busyHealth).toFixed(2)}`,
  );
  console.log(
    `  1000-recipient checks      : ${fmt(thousand)} req/s = ${fmt(thousand * 1000)} recipients/s (target ≥ 300,000/s)`,
  );
  console.log(
    `  npm start, 1 process       : ${fmt(one.thousand * 1000)} recipients/s (GET /health ${fmt(one.health)} req/s)`,
  );
  console.log(
    `  npm start, 2 processes     : ${fmt(two.thousand * 1000)} recipients/s (GET /health ${fmt(two.health)} req/s) → ${(two.thousand / one.thousand).toFixed(2)}× one process`,
  );
  console.log(
    `  index lookups              : ${fmt(indexRate)}/s vs bare Map ${fmt(bareRate)}/s → ratio ${(indexRate / bareRate).toFixed(2)} (target ≥ 2,000,000/s)`,
  );
  console.log(
    `  opt-out freshness          : p50 ${percentile(sameProcess, 0.5).toFixed(1)} ms, p99 ${percentile(sameProcess, 0.99).toFixed(1)} ms over ${sameProcess.length} RETs, checked in the writing process`,
  );
  console.log(
    `    … in another process     : p50 ${percentile(otherProcess, 0.5).toFixed(1)} ms, p99 ${percentile(otherProcess, 0.99).toFixed(1)} ms over ${otherProcess.length} RETs, checked in \`npm start\` (2 processes) (target p99 < 1 s)`,
  );
  console.log(
    `  memory per 1,000,000 indexed consents: ${(heapPerMillion / 1024 / 1024).toFixed(0)} MiB (heap and array buffers; target ≤ 150 MB)${gc ? '' : ' (approximate: run with --expose-gc)'}`,
  );
}
