import cluster from 'node:cluster';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { ConfigError, loadConfig, type Config, type ProcessRole } from './config.js';
import { prepareRuntime, projectRoot, type Runtime } from './runtime.js';
import { receiveHandover, superviseServers } from './server-cluster.js';
import type { AbuseLimits } from './services/abuse-guard.service.js';
import { seedSandbox } from './sandbox-seed.js';
import { createSystem } from './system.js';

const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({
    level: config.logLevel,
    base: { service: 'openiys', ...(cluster.isWorker ? { process: cluster.worker?.id } : {}) },
  });
  // A last line of defence: the job workers await every pg-boss call (jobs/queue-worker.ts), but a
  // rejection nobody handled — from a library's own timers while the database is away — must not end the
  // registry. It is logged; the work it belonged to is retried by its job's expiry or its owner's sweep.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  if (cluster.isWorker) {
    const handover = await receiveHandover();
    await serve(config, logger, {
      role: handover.role,
      first: handover.first,
      processes: handover.processes,
      databaseUrl: handover.databaseUrl,
      masterKey: Buffer.from(handover.masterKey, 'base64'),
    });
    return;
  }

  const runtime = await prepareRuntime(config, logger, 'server');
  if (config.processes === 1) {
    await serve(config, logger, { ...runtime, role: config.role, first: true, processes: 1 });
    return;
  }
  const servers = superviseServers({
    count: config.processes,
    role: config.role,
    databaseUrl: runtime.databaseUrl,
    masterKey: runtime.masterKey,
    logger,
  });
  logger.info({ processes: config.processes }, 'openiys server processes started');
  onShutdown(logger, async () => {
    await servers.stop();
    await runtime.embedded?.stop();
  });
}

/** One server process: the system, the sandbox's demo data (first process only), the port. */
async function serve(
  config: Config,
  logger: Logger,
  runtime: Pick<Runtime, 'databaseUrl' | 'masterKey'> & {
    embedded?: Runtime['embedded'];
    role: ProcessRole;
    first: boolean;
    processes: number;
  },
): Promise<void> {
  const { role, first } = runtime;
  const system = await createSystem({
    workers: role !== 'api',
    serve: role !== 'worker',
    databaseUrl: runtime.databaseUrl,
    masterKey: runtime.masterKey,
    logger,
    tokenRequestsPerHour: config.tokenRequestsPerHour,
    apiRequestsPerSecond: config.apiRequestsPerSecond,
    acceptThreads: config.acceptThreads,
    abuseLimits: shareOfScanBudget(config.abuseLimits, runtime.processes),
    trustedProxies: config.trustedProxies,
    uploadMaxBytes: config.uploadMaxMb * 1024 * 1024,
    complaintAnswerDays: config.complaintAnswerDays,
    retention: config.retention,
    oidc: config.oidc,
    noticesPerSecond: config.noticesPerSecond,
    messaging: config,
    webhooks: { allowLoopbackHttp: config.webhookAllowLoopbackHttp },
    metricsAccess: config.metricsToken ? { token: config.metricsToken } : undefined,
    webRoot: path.join(projectRoot(), 'web', 'dist'),
  });

  const seed = first && config.seedDemo ? await seedSandbox(system) : null;
  if (seed) logger.info(seed, 'sandbox providers and first staff key created (shown once)');

  if (first && config.sandbox) {
    logger.warn(
      { host: config.host },
      'SANDBOX mode: messages are not sent but shown at /dev/outbox (sign-in codes included) and demo ' +
        'accounts exist; never serve it to the public',
    );
  }
  if (role === 'worker') {
    logger.info({ role }, 'openiys is working the queues');
  } else {
    const address = await system.app.listen({ port: config.port, host: config.host });
    logger.info(
      {
        role,
        address,
        docs: `${address}/docs`,
        outbox: system.devOutbox ? `${address}/dev/outbox` : undefined,
      },
      'openiys is serving',
    );
  }

  onShutdown(logger, async () => {
    await system.close();
    await runtime.embedded?.stop();
  });
}

/**
 * The gateway's scan budget is counted per process; split across the processes of one server, so that
 * spreading a scan over connections (which the cluster hands out in turn) gains nothing. The per-second
 * request quotas stay per process (see README, Several processes).
 */
function shareOfScanBudget(limits: AbuseLimits, processes: number): AbuseLimits {
  return {
    ...limits,
    gatewayScanRecipientsPerHour: Math.ceil(limits.gatewayScanRecipientsPerHour / processes),
  };
}

function onShutdown(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    try {
      await close();
      clearTimeout(timer);
      logger.info('stopped');
      // The channel to the primary would keep a cluster's process alive after everything else has closed.
      if (cluster.isWorker) cluster.worker?.disconnect();
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
