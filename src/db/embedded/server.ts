import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { locateBinaries } from './binaries.js';
import { ensureOwnPassword, initialiseCluster, isInitialised, SUPERUSER } from './cluster.js';
import { reachableBinaries, reachableClusterDir, serverUser } from './placement.js';
import { Postmaster, type PostmasterOptions } from './postmaster.js';

export interface EmbeddedServer {
  /** The superuser's connection. */
  readonly url: string;
  /** Another openiys process runs this server; this one only uses it. */
  readonly attached: boolean;
  stop(): Promise<void>;
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
 * The embedded PostgreSQL (real binaries from the npm registry) in `dir` (`<data dir>/postgres`),
 * initialised on first use, on a free loopback port (never 5432, so it coexists with a system PostgreSQL).
 *
 * - If a live openiys process already runs it (its runtime file names a live owner), this attaches to it:
 *   the CLI next to a running server works and stops nothing (`stop` then only lets go).
 * - A server left running by an openiys process that died (kill -9, OOM) is stopped and started afresh.
 * - Run as root, PostgreSQL runs as the `postgres` account; binaries and cluster are placed where that
 *   account can reach them (placement.ts), so a checkout in a private directory works too.
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
    return { url: urlOf(running), attached: true, stop: async () => {} };
  }
  const user = serverUser();
  const binaries = reachableBinaries(await locateBinaries(), user);
  const cluster = reachableClusterDir(dir, user);
  if (cluster !== dir) log(`the postgres account cannot reach ${dir}; its cluster is kept in ${cluster}`);
  if (!isInitialised(cluster)) await initialiseCluster(dir, cluster, binaries, user, log);
  await stopOrphanedServer(cluster, log);
  const port = options.port ?? (await findFreePort());
  const postmasterOptions: PostmasterOptions = { binaries, cluster, port, user, log };
  let postmaster = await Postmaster.start(postmasterOptions);
  const address = (password: string) => urlOf({ user: SUPERUSER, password, port });
  let password: string;
  try {
    password = await ensureOwnPassword(dir, address);
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  const runtime: RuntimeFile = { pid: process.pid, port, user: SUPERUSER, password };
  writeFileSync(runtimeFileOf(dir), JSON.stringify(runtime), { mode: 0o600 });

  let stopping = false;
  let restarting: Promise<void> | undefined;
  const watch = () =>
    void postmaster.exited.then(() => {
      if (stopping || !options.supervise) return;
      log('embedded PostgreSQL exited; restarting it');
      restarting = restart();
    });
  const restart = async () => {
    for (let attempt = 0; !stopping; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** attempt)));
      if (stopping) return;
      try {
        postmaster = await Postmaster.start(postmasterOptions);
        log('embedded PostgreSQL restarted');
        watch();
        return;
      } catch {
        log('embedded PostgreSQL did not restart yet; trying again');
      }
    }
  };
  watch();

  return {
    url: urlOf(runtime),
    attached: false,
    async stop() {
      stopping = true;
      await restarting;
      await postmaster.stop();
      if (readRuntimeFile(dir)?.pid === process.pid) rmSync(runtimeFileOf(dir), { force: true });
    },
  };
}

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
 * still running on our cluster and would block this start. Its owner is dead (the caller checked the
 * runtime file), so shut it down (fast mode: it rolls back open transactions, which is exactly what recovery
 * after a crash means).
 */
async function stopOrphanedServer(cluster: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isRunning(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isRunning(pid))
    throw new Error(`PostgreSQL pid ${pid} still holds ${cluster}; stop it and start again`);
}
