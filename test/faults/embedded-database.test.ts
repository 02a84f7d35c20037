/**
 * The embedded database next to its server: the admin CLI must attach to it rather than stop it, and a
 * crashed database must be brought back by the server that owns it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { DEMO, recentWireDate } from '../helpers/system.js';

let dataDir: string;
let server: ServerProcess;
before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'openiys-embedded-'));
  server = await startServerProcess({ OPENIYS_DATA_DIR: dataDir, DATABASE_URL: '' });
});
after(async () => {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const postmasterPid = () =>
  Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function recordConsent(recipient: string): Promise<number> {
  const { access_token: token } = (await (
    await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: DEMO.username, password: DEMO.password }),
    })
  ).json()) as { access_token: string };
  const response = await fetch(`${server.url}/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      recipient,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate: recentWireDate(60_000),
    }),
  });
  return response.status;
}

async function waitForReady(expected: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${server.url}/ready`)).status !== expected) {
    assert.ok(Date.now() < deadline, `/ready never answered ${expected}`);
    await sleep(200);
  }
}

test('the runtime file names the owner and is readable by nobody else', () => {
  const file = path.join(dataDir, 'openiys-runtime.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const runtime = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; port: number };
  assert.equal(runtime.pid, server.child.pid);
});

test('an admin command next to the running server attaches to its database and stops nothing', async () => {
  const before = postmasterPid();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'regulator-key', 'add', '--name', 'Nöbetçi'],
    { env: { ...process.env, OPENIYS_DATA_DIR: dataDir, DATABASE_URL: '' } },
  );
  assert.match(stdout, /key/i);
  assert.equal(postmasterPid(), before, 'the same PostgreSQL keeps running');
  assert.ok(alive(before));
  assert.equal((await fetch(`${server.url}/ready`)).status, 200);
  assert.equal(await recordConsent('+905380000001'), 200);
});

test('a crashed embedded PostgreSQL is restarted by the server that owns it', async () => {
  const crashed = postmasterPid();
  process.kill(crashed, 'SIGKILL');
  await waitForReady(503);
  await waitForReady(200);
  assert.notEqual(postmasterPid(), crashed);
  assert.equal(server.child.exitCode, null);
  assert.equal(await recordConsent('+905380000002'), 200);
});

test('a clean stop stops the database and removes the runtime file', async () => {
  const pid = postmasterPid();
  server.child.kill('SIGTERM');
  await server.exited;
  assert.ok(!alive(pid));
  assert.ok(!existsSync(path.join(dataDir, 'openiys-runtime.json')));
});
