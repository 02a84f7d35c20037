/**
 * The embedded database next to its server: the admin CLI must attach to it rather than stop it, and a
 * crashed database must be brought back by the server that owns it. Nobody else may use it: its password
 * is its own, it listens on loopback only, and its socket is not in the shared temporary directory.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { recordDemoConsent, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

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

const runtime = () =>
  JSON.parse(readFileSync(path.join(dataDir, 'openiys-runtime.json'), 'utf8')) as {
    pid: number;
    port: number;
    password: string;
  };
const passwordFile = () => path.join(dataDir, 'postgres-password');

/** Connects as the superuser with `password`; answers the error's SQLSTATE, or runs `query`. */
async function connectAs(password: string, query = 'SELECT 1'): Promise<string | pg.QueryResult> {
  const client = new pg.Client({ host: '127.0.0.1', port: runtime().port, user: 'postgres', password });
  try {
    await client.connect();
  } catch (error) {
    return (error as { code: string }).code;
  }
  try {
    return await client.query(query);
  } finally {
    await client.end();
  }
}

async function waitForReady(expected: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${server.url}/ready`)).status !== expected) {
    assert.ok(Date.now() < deadline, `/ready never answered ${expected}`);
    await sleep(200);
  }
}

test('a fresh sandbox prints its first staff key once, and that key opens the regulator console', async () => {
  const seeds = server
    .output()
    .split('\n')
    .filter((line) => line.includes('first staff key'))
    .map((line) => JSON.parse(line) as { staff: { key: string; role: string; console: string } });
  assert.equal(seeds.length, 1, server.output());
  const { staff } = seeds[0]!;
  assert.deepEqual([staff.role, staff.console], ['admin', '/kurul']);
  const session = await fetch(`${server.url}/api/regulator/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: staff.key }),
  });
  assert.equal(session.status, 200, await session.text());
});

test('the runtime file names the owner and is readable by nobody else', () => {
  const file = path.join(dataDir, 'openiys-runtime.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const runtime = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; port: number };
  assert.equal(runtime.pid, server.child.pid);
});

test('the database has its own password, listens on loopback only, and keeps its socket private', async () => {
  assert.equal(statSync(passwordFile()).mode & 0o777, 0o600);
  const password = readFileSync(passwordFile(), 'utf8');
  assert.equal(runtime().password, password);
  assert.ok(password.length >= 32);
  assert.equal(await connectAs('openiys'), '28P01', 'the old shared constant is refused');
  const settings = (await connectAs(
    password,
    `SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets`,
  )) as pg.QueryResult<{ listen: string; sockets: string }>;
  assert.equal(settings.rows[0]!.listen, '127.0.0.1');
  assert.equal(settings.rows[0]!.sockets, path.join(dataDir, 'postgres'));
  assert.ok(!readdirSync(tmpdir()).includes(`.s.PGSQL.${runtime().port}`));
});

test('the server works as a role that owns nothing and cannot change an event', async () => {
  assert.equal(await recordDemoConsent(server, '+905380000009'), 200);
  const password = runtime().password;
  const roles = (await connectAs(
    password,
    `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'postgres' AND pid <> pg_backend_pid()
       AND usename IS NOT NULL AND backend_type = 'client backend'`,
  )) as pg.QueryResult<{ usename: string }>;
  assert.deepEqual(
    roles.rows.map((row) => row.usename),
    ['openiys_app'],
  );
  const role = (await connectAs(
    password,
    `SELECT rolsuper, rolcreaterole, rolcreatedb,
            (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owned
       FROM pg_roles r WHERE rolname = 'openiys_app'`,
  )) as pg.QueryResult<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; owned: number }>;
  assert.deepEqual(role.rows[0], { rolsuper: false, rolcreaterole: false, rolcreatedb: false, owned: 0 });
  for (const statement of [
    `UPDATE consent_events SET status = 'ONAY'`,
    `DELETE FROM consent_events`,
    `TRUNCATE consent_events`,
    `ALTER TABLE consent_events DISABLE TRIGGER ALL`,
    `UPDATE audit_log SET actor = 'x'`,
  ]) {
    const attempt = await connectAs(password, `SET ROLE openiys_app; ${statement}`).catch(
      (error: { code: string }) => error.code,
    );
    assert.equal(attempt, '42501', statement); // insufficient_privilege
  }
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
  // The key the command line created is in the audit log, with who ran it and from where.
  const key = stdout.trim().split(/\s+/).pop()!;
  const audit = await fetch(`${server.url}/api/regulator/audit?action=regulator-key.add`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const [entry] = (await audit.json()) as { actor: string; target: string; clientAddress: string }[];
  assert.match(entry!.actor, /^admin:cli:/);
  assert.deepEqual([entry!.target, entry!.clientAddress], ['regulator-key:Nöbetçi', 'cli']);
  assert.ok(alive(before));
  assert.equal((await fetch(`${server.url}/ready`)).status, 200);
  assert.equal(await recordDemoConsent(server, '+905380000001'), 200);
});

test('a crashed embedded PostgreSQL is restarted by the server that owns it', async () => {
  const crashed = postmasterPid();
  process.kill(crashed, 'SIGKILL');
  await waitForReady(503);
  await waitForReady(200);
  assert.notEqual(postmasterPid(), crashed);
  assert.equal(server.child.exitCode, null);
  assert.equal(await recordDemoConsent(server, '+905380000002'), 200);
});

test('a clean stop stops the database and removes the runtime file', async () => {
  const pid = postmasterPid();
  server.child.kill('SIGTERM');
  await server.exited;
  assert.ok(!alive(pid));
  assert.ok(!existsSync(path.join(dataDir, 'openiys-runtime.json')));
});

test('a cluster from before generated passwords gets its own at its next start', async () => {
  server = await startServerProcess({ OPENIYS_DATA_DIR: dataDir, DATABASE_URL: '' });
  await connectAs(runtime().password, `ALTER ROLE postgres PASSWORD 'openiys'`);
  rmSync(passwordFile());
  server.child.kill('SIGTERM');
  await server.exited;

  server = await startServerProcess({ OPENIYS_DATA_DIR: dataDir, DATABASE_URL: '' });
  const password = readFileSync(passwordFile(), 'utf8');
  assert.notEqual(password, 'openiys');
  assert.equal(await connectAs('openiys'), '28P01');
  assert.equal(await recordDemoConsent(server, '+905380000003'), 200);
  assert.doesNotMatch(server.output(), /first staff key/, 'a restart creates no second key');
});
