/**
 * The database goes away under a running server — a fast shutdown mid-ingest, a crash, a dropped change
 * stream — and comes back. The server process must stay up, say so on /ready, answer 503 (never 500) in
 * between, recover by itself, and have lost nothing it had accepted.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded/server.js';
import { createSystem, SANDBOX_MESSAGING } from '../../src/system.js';
import { onboardProvider, uploadFile, waitForUpload } from '../helpers/portal.js';
import {
  addGatewayAccount,
  demoProviderToken,
  gatewayAllows,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';
import { DEMO, recentWireDate, type TestSystem } from '../helpers/system.js';

let dir: string;
let port: number;
let database: EmbeddedServer;
let server: ServerProcess;
let token: string;
/** The server process was stopped on purpose (its last test runs without it). */
let serverDone = false;
const env = {
  OPENIYS_MASTER_KEY: randomBytes(32).toString('hex'),
  OPENIYS_SANDBOX: 'true',
  // About faults, not the request budget: results are polled without pause.
  OPENIYS_API_REQUESTS_PER_SECOND: '1000000',
  OPENIYS_SEED_DEMO: 'true',
};

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'openiys-fault-'));
  database = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  port = Number(new URL(database.url).port);
  server = await startServerProcess({ ...env, DATABASE_URL: database.url });
  token = await demoProviderToken(server.url);
});
after(async () => {
  if (server && server.child.exitCode !== null && !serverDone) console.log(server.output().slice(-5000));
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(server.url + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
const consent = (recipient: string, status = 'ONAY') => ({
  recipient,
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status,
  source: 'HS_WEB',
  consentDate: recentWireDate(status === 'ONAY' ? 120_000 : 60_000),
});

async function readyStatus(): Promise<number> {
  return (await fetch(`${server.url}/ready`)).status;
}

async function waitForReady(expected: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await readyStatus()) !== expected) {
    if (Date.now() > deadline) throw new Error(`/ready never answered ${expected}`);
    await sleep(200);
  }
}

async function restartDatabase(): Promise<void> {
  database = await startEmbeddedPostgres(path.join(dir, 'postgres'), () => {}, { port });
}

/** Sends bulk requests of 100 new recipients each; returns those the server accepted (200). */
async function ingest(requests: number, offset: number, during?: (i: number) => Promise<void>) {
  const accepted: { requestId: string; recipients: string[] }[] = [];
  const statuses = new Map<number, number>();
  for (let r = 0; r < requests; r++) {
    await during?.(r);
    const recipients = Array.from(
      { length: 100 },
      (_, i) => `+90536${String((offset + r) * 100 + i).padStart(7, '0')}`,
    );
    const response = await api(
      'POST',
      `${base}/consents/request`,
      recipients.map((recipient) => consent(recipient)),
    ).catch(() => undefined);
    const status = response?.status ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === 200)
      accepted.push({ requestId: ((await response!.json()) as { requestId: string }).requestId, recipients });
    else if (response) {
      const body = (await response.json()) as { errors: { code: string }[] };
      assert.equal(status, 503, JSON.stringify(body));
      assert.equal(body.errors[0]!.code, 'H972');
    }
  }
  return { accepted, statuses };
}

/** Every accepted item applied exactly once: one event per recipient, the request fully answered. */
async function assertAppliedOnce(accepted: { requestId: string; recipients: string[] }[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const { requestId } of accepted) {
    for (;;) {
      const response = await api('GET', `${base}/consents/request/${requestId}`);
      assert.equal(response.status, 200);
      const items = (await response.json()) as { status: string }[];
      if (items.every((item) => item.status === 'success')) break;
      assert.ok(!items.some((item) => item.status === 'failure'), JSON.stringify(items.slice(0, 3)));
      if (Date.now() > deadline) throw new Error(`request ${requestId} never finished`);
      await sleep(250);
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string; recipients: string }>(
      `SELECT count(*) AS events, count(DISTINCT recipient_key) AS recipients FROM consent_events e
       JOIN brands b ON b.id = e.brand_id WHERE b.brand_code = $1 AND e.type = 'MESAJ'`,
      [DEMO.brandCode],
    );
    const expected = accepted.length * 100;
    assert.equal(Number(rows[0]!.recipients), expected);
    assert.ok(Number(rows[0]!.events) >= expected);
  } finally {
    await client.end();
  }
}

function postmasterPid(): number {
  return Number(readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

test('a fast shutdown of the database mid-ingest: 503 meanwhile, nothing accepted is lost, new writes after', async () => {
  let stoppedAt = -1;
  const { accepted, statuses } = await ingest(30, 0, async (i) => {
    if (i === 10) {
      await database.stop(); // fast shutdown: open transactions are rolled back
      stoppedAt = i;
      assert.equal(await readyStatus(), 503);
    }
    if (i === 20) {
      await restartDatabase();
      await waitForReady(200);
    }
  });
  assert.equal(stoppedAt, 10);
  assert.equal(server.child.exitCode, null, 'the server process must stay up');
  assert.ok((statuses.get(503) ?? 0) > 0, `the outage must have been seen: ${JSON.stringify([...statuses])}`);
  assert.deepEqual(
    [...statuses.keys()].filter((s) => s !== 200 && s !== 503),
    [],
  );
  await assertAppliedOnce(accepted);
  assert.equal((await api('POST', `${base}/consents`, consent('+905370000001'))).status, 200);
});

test('a crash of the database (SIGKILL) and a change made while the gateway index was deaf', async () => {
  const bearer = await addGatewayAccount({ ...env, DATABASE_URL: database.url }, 'Arıza Testi');
  const recipient = '+905370000002';
  const allowed = () => gatewayAllows(server.url, bearer, recipient);
  assert.equal((await api('POST', `${base}/consents`, consent(recipient))).status, 200);
  for (let i = 0; i < 50 && !(await allowed()); i++) await sleep(100);
  assert.equal(await allowed(), true, 'the index holds the ONAY');

  process.kill(postmasterPid(), 'SIGKILL');
  await waitForReady(503);
  assert.equal((await api('POST', `${base}/consents`, consent('+905370000003'))).status, 503);
  await sleep(3000); // the change stream's reconnection backs off meanwhile
  await restartDatabase();
  await waitForReady(200);
  // Written while the gateway's change stream is still reconnecting: its notification is never heard.
  const refused = await api('POST', `${base}/consents`, consent(recipient, 'RET'));
  assert.equal(refused.status, 200, await refused.text());
  const deadline = Date.now() + 60_000;
  while (await allowed()) {
    assert.ok(Date.now() < deadline, 'the gateway never caught up with the RET written while it was deaf');
    await sleep(250);
  }
  assert.equal(server.child.exitCode, null);
  assert.equal((await api('POST', `${base}/consents`, consent('+905370000004'))).status, 200);
});

test('an upload interrupted by a database restart completes later with every row applied once', async () => {
  // The server process has done its part. Stopped, it cannot take this instance's jobs from the shared
  // queue: the onboarding's confirmation e-mail would then land in its outbox, not in this one's (seen in CI).
  serverDone = true;
  server.child.kill('SIGTERM');
  await server.exited;
  // A second openiys instance in this process, on the same database (as a second server would run).
  const logLines: string[] = [];
  const system = await createSystem({
    databaseUrl: database.url,
    masterKey: Buffer.from(env.OPENIYS_MASTER_KEY, 'hex'),
    logger: pino({ level: 'silent' }),
    messaging: SANDBOX_MESSAGING,
    webhooks: { allowLoopbackHttp: true },
  });
  const t = { system, app: system.app, logLines } as unknown as TestSystem;
  try {
    const { admin, brandCode } = await onboardProvider(t);
    const date = recentWireDate(3600_000);
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `+90539${String(i).padStart(7, '0')},BIREYSEL,MESAJ,ONAY,HS_WEB,${date}`,
    );
    const data = Buffer.from(
      ['recipient,recipientType,type,status,source,consentDate', ...rows, ''].join('\n'),
    );
    const uploaded = await uploadFile(t, admin, brandCode, { name: 'kesinti.csv', data });
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    const id = uploaded.json().id as string;
    for (let i = 0; i < 200; i++) {
      const upload = (await admin.call('GET', `/api/portal/uploads/${id}`)).json();
      if (upload.rowsDone > 0) break;
      await sleep(50);
    }
    await database.stop();
    await sleep(1000);
    await restartDatabase();
    // This instance is ready again once its database answers.
    for (let i = 0; (await system.app.inject({ url: '/ready' })).statusCode !== 200; i++) {
      if (i > 300) throw new Error('/ready never answered 200');
      await sleep(200);
    }
    const done = await waitForUpload(admin, id, 120_000);
    assert.deepEqual(
      [done.status, done.rowsDone, done.rowsApplied, done.rowsFailed],
      ['completed', 20_000, 20_000, 0],
    );
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows: counted } = await client.query<{ events: string; recipients: string }>(
        `SELECT count(*) AS events, count(DISTINCT recipient_key) AS recipients FROM consent_events e
         JOIN brands b ON b.id = e.brand_id WHERE b.brand_code = $1`,
        [brandCode],
      );
      assert.deepEqual([Number(counted[0]!.events), Number(counted[0]!.recipients)], [20_000, 20_000]);
    } finally {
      await client.end();
    }
  } finally {
    await system.close();
  }
});
