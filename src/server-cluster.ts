import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { ProcessRole } from './config.js';

/**
 * Several server processes on one port (node:cluster), so that `npm start` uses every core: a gateway check
 * is CPU-bound (an HMAC per recipient) and one Node thread serves one core. The primary prepares the
 * database once (embedded server, migrations, serving role), hands each process what it needs over the
 * cluster's IPC channel — the connection string holds the serving role's password and the master key is a
 * secret, so neither goes into an environment another user could read — and restarts a process that dies.
 * The first process runs the configured role (with the workers, for `all`); the others only serve.
 */

/** What a server process receives from the primary before it starts. */
export interface Handover {
  kind: 'openiys-handover';
  databaseUrl: string;
  masterKey: string;
  role: ProcessRole;
  /** The first process: it seeds the sandbox and says what the server is. */
  first: boolean;
  processes: number;
}

const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A process that lived this long before dying is restarted after the first delay again, not a grown one. */
const HEALTHY_LIFETIME_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * In a server process: asks the primary for its handover and waits for it. It asks, rather than waits to be
 * sent one, because a message that arrives before anyone listens is dropped, and loading the code takes a
 * while.
 */
export function receiveHandover(): Promise<Handover> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as Handover | undefined)?.kind !== 'openiys-handover') return;
      process.off('message', onMessage);
      resolve(message as Handover);
    };
    process.on('message', onMessage);
    process.send!({ kind: 'openiys-handover-please' });
  });
}

/**
 * In the primary: runs `count` server processes and keeps them running. Returns `stop`, which asks every
 * process to shut down (SIGTERM), waits for them (SIGKILL after 20 s) and restarts nothing more.
 */
export function superviseServers(options: {
  count: number;
  role: ProcessRole;
  databaseUrl: string;
  masterKey: Buffer;
  logger: Logger;
}): { stop(): Promise<void> } {
  const { logger } = options;
  let stopping = false;
  const running = new Map<number, Worker>();

  // The primary hands each new connection to the processes in turn (node:cluster's round robin, its default
  // on Linux). Letting every process accept from the shared socket instead was measured: the long-lived
  // connections a gateway opens all landed in one process (1.01× one process, against 1.45× in turn). The
  // price: a connection handed over in the milliseconds between a process's death and the primary noticing
  // it is dropped by node:cluster, and its client retries.
  cluster.schedulingPolicy = cluster.SCHED_RR;

  function fork(slot: number, delay = RESTART_DELAY_MS): void {
    const worker = cluster.fork();
    const startedAt = Date.now();
    running.set(slot, worker);
    worker.on('message', (message: { kind?: unknown } | undefined) => {
      if (message?.kind !== 'openiys-handover-please') return;
      const handover: Handover = {
        kind: 'openiys-handover',
        databaseUrl: options.databaseUrl,
        masterKey: options.masterKey.toString('base64'),
        role: slot === 0 ? options.role : 'api',
        first: slot === 0,
        processes: options.count,
      };
      worker.send(handover);
    });
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      const wait = Date.now() - startedAt >= HEALTHY_LIFETIME_MS ? RESTART_DELAY_MS : delay;
      logger.error({ slot, pid: worker.process.pid, code, signal, restartInMs: wait }, 'server process died');
      setTimeout(() => !stopping && fork(slot, Math.min(wait * 2, MAX_RESTART_DELAY_MS)), wait).unref();
    });
  }

  // The others start once the first listens: it seeds the sandbox, and nobody should be answered by a
  // process that cannot yet see the demo accounts.
  fork(0);
  running.get(0)!.once('listening', () => {
    for (let slot = 1; slot < options.count && !stopping; slot++) fork(slot);
  });

  return {
    async stop() {
      stopping = true;
      const exits = [...running.values()]
        .filter((worker) => !worker.isDead())
        .map(
          (worker) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
              worker.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              worker.process.kill('SIGTERM');
            }),
        );
      await Promise.all(exits);
    },
  };
}
