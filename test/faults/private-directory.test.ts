/**
 * `npm start` from a checkout in a private directory (root's home is 0700; so is a mkdtemp directory), with
 * the default data dir. Run as root, PostgreSQL runs as the unprivileged `postgres` account, which cannot
 * enter that directory: neither the binaries in node_modules nor `./data` are within its reach.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { STAGING_ROOT } from '../../src/db/embedded/placement.js';
import {
  postAsDemoProvider,
  recordDemoConsent,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';

const asRoot = process.getuid?.() === 0;
let privateDir: string;
let checkout: string;
let cluster: string | undefined;

before(() => {
  privateDir = mkdtempSync(path.join(tmpdir(), 'openiys-private-'));
  assert.equal(statSync(privateDir).mode & 0o777, 0o700);
  checkout = path.join(privateDir, 'openiys');
  // A checkout of its own: sources copied, node_modules hard-linked (the same files, at a private path).
  for (const entry of ['src', 'package.json', 'tsconfig.json']) {
    cpSync(entry, path.join(checkout, entry), { recursive: true });
  }
  const link = spawnSync('cp', ['-al', 'node_modules', path.join(checkout, 'node_modules')]);
  assert.equal(link.status, 0, String(link.stderr));
});

after(() => {
  rmSync(privateDir, { recursive: true, force: true });
  if (cluster?.startsWith(STAGING_ROOT)) rmSync(cluster, { recursive: true, force: true });
});

const defaultDataDir = () => path.join(checkout, 'data');
const start = () => startServerProcess({ OPENIYS_DATA_DIR: '', DATABASE_URL: '' }, checkout);
async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
}

const serverAccount = (pid: number) =>
  Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const postmasterPid = () =>
  Number(readFileSync(path.join(defaultDataDir(), 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

test('the two-command start works from a private directory, with the default data dir, and again', async () => {
  let server = await start();
  assert.equal((await fetch(`${server.url}/ready`)).status, 200);
  assert.equal(await recordDemoConsent(server, '+905380000101'), 200);

  cluster = realpathSync(path.join(defaultDataDir(), 'postgres'));
  if (asRoot) {
    // The database runs unprivileged, its cluster where that account can reach it, linked from ./data.
    assert.notEqual(serverAccount(postmasterPid()), 0);
    assert.ok(lstatSync(path.join(defaultDataDir(), 'postgres')).isSymbolicLink());
    assert.ok(cluster.startsWith(`${STAGING_ROOT}/clusters/`));
  }
  // Nothing above the data dir was opened up, and its secrets stay the owner's.
  assert.equal(statSync(privateDir).mode & 0o777, 0o700);
  for (const secret of ['master.key', 'postgres-password']) {
    assert.equal(statSync(path.join(defaultDataDir(), secret)).mode & 0o777, 0o600, secret);
  }
  await stop(server);

  // The second start finds the same cluster, with what the first one recorded.
  server = await start();
  const status = await postAsDemoProvider(server, '/consents/status', {
    recipient: '+905380000101',
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  assert.equal(status.status, 200);
  assert.equal((status.body as { status: string }).status, 'ONAY');
  await stop(server);
});
