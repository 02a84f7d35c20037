/**
 * `npm test`: runs every *.test.ts file with node:test against a real PostgreSQL — DATABASE_URL's server
 * when set, otherwise an embedded one started for this run. A migrated template database is built once;
 * each test file clones it (see test/helpers/database.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabaseName } from '../src/db/connect.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded/server.js';
import { prepareDatabase, type ServingRole } from '../src/runtime.js';
import { partitionWritePath } from './helpers/partition-write-path.js';

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

async function adminQuery(serverUrl: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Migrated, with the job queues installed and the run's serving role granted what the server gets in
 * production (src/runtime.ts): every test's system works as that role, so a missing privilege fails here.
 */
async function buildTemplate(
  serverUrl: string,
  name: string,
  servingRole: ServingRole,
  partitions: number | undefined,
): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = withDatabaseName(serverUrl, name);
  await prepareDatabase(url, servingRole);
  if (partitions === undefined) return;
  await partitionWritePath(url, partitions);
  await prepareDatabase(url, servingRole); // grants the serving role the new tables
}

async function dropRunDatabases(serverUrl: string, prefix: string): Promise<void> {
  const { rows } = await adminQuery(
    serverUrl,
    `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`,
  );
  for (const { datname } of rows as { datname: string }[]) {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function buildWebApp(): void {
  const build = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const runId = `openiys_t${process.pid}`;
/** Shards of the sharding-readiness run (issue 11): the count docs/scaling.md plans for. */
const PARTITIONS = 16;
let embedded: EmbeddedServer | undefined;
let embeddedDir: string | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embeddedDir = mkdtempSync(path.join(tmpdir(), 'openiys-test-pg-'));
  embedded = await startEmbeddedPostgres(path.join(embeddedDir, 'postgres'));
  serverUrl = embedded.url;
}

const template = `${runId}_template`;
const servingRole: Required<ServingRole> = {
  name: `${runId}_app`,
  password: randomBytes(24).toString('base64url'),
};
let exitCode = 1;
try {
  // `--browser` runs the Chromium tests in test/browser (they need Debian's chromium and the built web app);
  // the default run is everything else. `--partitioned` runs them with the write path's tables
  // hash-partitioned by recipient_key into 16 partitions, as a sharded deployment holds them.
  const browser = process.argv.includes('--browser');
  const partitioned = process.argv.includes('--partitioned');
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  await buildTemplate(serverUrl, template, servingRole, partitioned ? PARTITIONS : undefined);
  if (browser) buildWebApp();
  const all = [...findTests('src'), ...findTests('test')].sort();
  const files =
    requested.length > 0
      ? requested
      : all.filter((f) => f.startsWith(path.join('test', 'browser')) === browser);
  exitCode = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          OPENIYS_TEST_SERVER_URL: serverUrl,
          OPENIYS_TEST_TEMPLATE: template,
          OPENIYS_TEST_RUN: runId,
          OPENIYS_TEST_SERVING_ROLE: servingRole.name,
          OPENIYS_TEST_SERVING_PASSWORD: servingRole.password,
          ...(partitioned ? { OPENIYS_TEST_PARTITIONED: '1' } : {}),
        },
      },
    );
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
} finally {
  await dropRunDatabases(serverUrl, runId).catch((error) => console.error('cleanup failed', error));
  // Its grants went with the databases; the role is cluster-wide and goes last.
  await adminQuery(serverUrl, `DROP ROLE IF EXISTS ${servingRole.name}`).catch((error) =>
    console.error('cleanup failed', error),
  );
  await embedded?.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
}
process.exit(exitCode);
