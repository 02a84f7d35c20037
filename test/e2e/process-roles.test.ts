import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  addGatewayAccount,
  demoProviderToken,
  gatewayAllows,
  sandboxServerEnv,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';
import { DEMO, recentWireDate } from '../helpers/system.js';

/**
 * A split deployment on one fresh database (issue 11, items 7 and 8): two API-only processes behind an
 * imagined load balancer and one worker-only process, each a real `src/main.ts`.
 */

let database: TestDatabase;
let api1: ServerProcess;
let api2: ServerProcess;
let worker: ServerProcess | undefined;
let worker2: ServerProcess | undefined;
let env: Record<string, string>;

before(async () => {
  database = await createTestDatabase({ empty: true });
  env = sandboxServerEnv(database);
  // The first process on an empty database migrates it and creates every queue, although it runs no worker.
  api1 = await startServerProcess({ ...env, OPENIYS_ROLE: 'api' });
  api2 = await startServerProcess({ ...env, OPENIYS_ROLE: 'api', OPENIYS_SEED_DEMO: 'false' });
});
after(async () => {
  for (const server of [api1, api2, worker, worker2]) {
    server?.child.kill('SIGTERM');
    await server?.exited;
  }
  await database.drop();
});

const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`;
// One token per server (they share a database, not their token requests' per-address budget).
const tokens = new Map<ServerProcess, Promise<string>>();
const tokenOf = (server: ServerProcess) => {
  if (!tokens.has(server)) tokens.set(server, demoProviderToken(server.url));
  return tokens.get(server)!;
};
async function call(server: ServerProcess, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${server.url}${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await tokenOf(server)}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller reads the İYS shape it asked for
  return { status: response.status, body: (await response.json()) as any };
}
const consent = (recipient: string, status: 'ONAY' | 'RET', ageMs: number) => ({
  recipient,
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status,
  source: 'HS_WEB',
  consentDate: recentWireDate(ageMs),
});

test('an API-only process queues bulk work that a worker-only process started later applies', async () => {
  const recipients = ['+905390000001', '+905390000002', '+905390000003'];
  const accepted = await call(
    api1,
    'POST',
    '/request',
    recipients.map((r) => consent(r, 'ONAY', 120_000)),
  );
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  const requestId = accepted.body.requestId as string;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const waiting = await call(api2, 'GET', `/request/${requestId}`);
  assert.equal(waiting.status, 200);
  const items = waiting.body as { status: string }[];
  assert.deepEqual(
    items.map((item) => item.status),
    ['enqueue', 'enqueue', 'enqueue'],
    'accepted, durable, and nobody works the queue yet',
  );

  worker = await startServerProcess({
    ...env,
    OPENIYS_ROLE: 'worker',
    OPENIYS_SEED_DEMO: 'false',
    LOG_LEVEL: 'debug', // says which requests it applied (last test)
  });
  assert.equal(worker.url, '', 'a worker listens on no port');
  for (let i = 0; i < 100; i++) {
    const found = await call(api2, 'POST', '/status', {
      recipient: recipients[2],
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
    });
    if (found.status === 200 && found.body.status === 'ONAY') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the worker did not apply the bulk request:\n${worker.output().slice(-2000)}`);
});

test('a refusal written through one API process reaches the other one’s gateway index', async () => {
  const bearer = await addGatewayAccount(env, 'İki Süreç');
  const recipient = '+905390000001';
  const allowedAt = (server: ServerProcess) => gatewayAllows(server.url, bearer, recipient);
  assert.equal(await allowedAt(api1), true, 'api1 holds the ONAY in its index');
  const refused = await call(api2, 'POST', '', consent(recipient, 'RET', 30_000));
  assert.equal(refused.status, 200, JSON.stringify(refused.body));
  for (let i = 0; i < 50; i++) {
    if (!(await allowedAt(api1))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('api1 still allows a recipient who refused through api2');
});

test('two worker-only processes share the bulk queue and apply every item exactly once', async () => {
  worker2 = await startServerProcess({
    ...env,
    OPENIYS_ROLE: 'worker',
    OPENIYS_SEED_DEMO: 'false',
    LOG_LEVEL: 'debug',
  });
  // Traders' consents (no notice to send): 40 requests of 1000, four of the writer's groups of 10,000 items,
  // seconds of work for two workers that look for queued work every second. With less, one worker could
  // apply the whole backlog in its first group and drain the no-op jobs left before the other looked (seen
  // in CI once the writer got faster: 20 requests of 500 made one group, "shared: 20 and 0 requests").
  const requests = 40;
  const size = 1000;
  const requestIds: string[] = [];
  for (let r = 0; r < requests; r++) {
    const items = Array.from({ length: size }, (_, i) => ({
      ...consent(`+90538${String(r * size + i).padStart(7, '0')}`, 'ONAY', 120_000),
      recipientType: 'TACIR',
    }));
    const accepted = await call(api1, 'POST', '/request', items);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    requestIds.push(accepted.body.requestId as string);
  }
  const unfinished = async () => {
    let left = 0;
    for (const id of requestIds) {
      const items = (await call(api2, 'GET', `/request/${id}`)).body as { status: string }[];
      left += items.filter((item) => item.status === 'enqueue').length;
    }
    return left;
  };
  for (let i = 0; i < 300 && (await unfinished()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await unfinished(), 0, 'every item applied');

  const appliedBy = (server: ServerProcess) =>
    new Set(
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"bulk request processed"'))
        .map((line) => (JSON.parse(line) as { requestId: string }).requestId)
        .filter((id) => requestIds.includes(id)),
    );
  const first = appliedBy(worker!);
  const second = appliedBy(worker2);
  assert.ok(first.size > 0 && second.size > 0, `shared: ${first.size} and ${second.size} requests`);
  assert.equal(new Set([...first, ...second]).size, requests, 'each request processed by one of them');

  // Exactly once: one event per item, whoever applied it.
  const client = new pg.Client({ connectionString: database.ownerUrl });
  await client.connect();
  const { rows } = await client
    .query<{ n: number }>(`SELECT count(*)::int AS n FROM consent_events WHERE recipient_type = 'TACIR'`)
    .finally(() => client.end());
  assert.equal(rows[0]!.n, requests * size);
});
