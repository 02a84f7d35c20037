import { spawn, type ChildProcess } from 'node:child_process';
import { totalmem } from 'node:os';
import { postgresOf, type PostgresBinaries } from './binaries.js';
import type { ServerUser } from './placement.js';

/** A Unix socket path longer than this fails PostgreSQL's start (sun_path is 108 bytes on Linux). */
const MAX_SOCKET_DIR_LENGTH = 80;
/** A fast shutdown that takes longer than this is turned into an immediate one (crash recovery at start). */
const FAST_SHUTDOWN_MS = 30_000;

/**
 * Sized for the registry's write path rather than PostgreSQL's minimal defaults (README, "Database
 * settings"): the random-key indexes of the event log outgrow 128 MB of buffers at about a million rows,
 * and the default 1 GB of WAL between checkpoints makes a bulk load checkpoint every few seconds, each
 * followed by a burst of full-page writes. An eighth of the memory for buffers, at most 1 GB. WAL
 * compression stays off: this build has only pglz, and compressing the ~2 full-page images a row that a
 * 10 M-consent registry writes after each checkpoint cost ~400 µs of CPU a row (docs/scaling.md).
 */
export const WRITE_PATH_SETTINGS = {
  shared_buffers: `${Math.max(128, Math.min(1024, Math.floor(totalmem() / 8 / 1024 ** 2)))}MB`,
  max_wal_size: '4GB',
  min_wal_size: '1GB',
  checkpoint_timeout: '15min',
  wal_compression: 'off',
};

export interface PostmasterOptions {
  binaries: PostgresBinaries;
  cluster: string;
  port: number;
  user: ServerUser | undefined;
  log: (line: string) => void;
}

/** One run of the PostgreSQL server process on a cluster, from its start to its exit. */
export class Postmaster {
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private running = true;

  private constructor(options: PostmasterOptions) {
    const { cluster, port } = options;
    // Loopback only; the socket (if any) inside the cluster, which only its owner can enter, never in the
    // shared temporary directory where any local user could reach it.
    const socketDir = cluster.length <= MAX_SOCKET_DIR_LENGTH ? cluster : '';
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: socketDir,
      unix_socket_permissions: '0700',
      max_connections: '200',
      ...WRITE_PATH_SETTINGS,
    };
    this.child = spawn(
      postgresOf(options.binaries),
      [
        '-D',
        cluster,
        '-p',
        String(port),
        ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      {
        ...options.user,
        // Its own process group: a Ctrl-C in the terminal reaches openiys, which drains and then stops the
        // database, instead of the database shutting down under the draining server.
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        // None of openiys's environment (the master key, DATABASE_URL) reaches another account's process.
        env: { LC_ALL: 'C' },
      },
    );
    // A program that cannot be spawned at all (EACCES, ENOENT) reports 'error' and may never report 'exit'.
    this.exited = new Promise((resolve) => {
      const ended = () => {
        this.running = false;
        resolve();
      };
      this.child.once('exit', ended);
      this.child.once('error', (error) => {
        options.log(`postgres could not be started: ${error.message}`);
        ended();
      });
    });
    // Read for as long as it runs: a full pipe would block the server on its next log line.
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) options.log(line.trim());
    });
  }

  /** Resolves once the server accepts connections; rejects if it exits first. */
  static async start(options: PostmasterOptions): Promise<Postmaster> {
    const postmaster = new Postmaster(options);
    await new Promise<void>((resolve, reject) => {
      postmaster.child.stderr!.on('data', (chunk: string) => {
        if (chunk.includes('database system is ready to accept connections')) resolve();
      });
      void postmaster.exited.then(() => reject(new Error('the embedded PostgreSQL exited during its start')));
    });
    return postmaster;
  }

  /** Fast shutdown (open transactions roll back), immediate if it hangs. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGQUIT'), FAST_SHUTDOWN_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
