import path from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { prepareRuntime, projectRoot } from './runtime.js';
import { createSystem } from './system.js';

const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { service: 'openiys' } });
  // A last line of defence: the job workers await every pg-boss call (jobs/queue-worker.ts), but a
  // rejection nobody handled — from a library's own timers while the database is away — must not end the
  // registry. It is logged; the work it belonged to is retried by its job's expiry or its owner's sweep.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const runtime = await prepareRuntime(config, logger, 'server');
  const system = await createSystem({
    workers: config.role !== 'api',
    serve: config.role !== 'worker',
    databaseUrl: runtime.databaseUrl,
    masterKey: runtime.masterKey,
    logger,
    tokenRequestsPerHour: config.tokenRequestsPerHour,
    apiRequestsPerSecond: config.apiRequestsPerSecond,
    abuseLimits: config.abuseLimits,
    trustedProxies: config.trustedProxies,
    uploadMaxBytes: config.uploadMaxMb * 1024 * 1024,
    noticesPerSecond: config.noticesPerSecond,
    messaging: config,
    webhooks: { allowLoopbackHttp: config.webhookAllowLoopbackHttp },
    metricsAccess: config.metricsToken ? { token: config.metricsToken } : undefined,
    webRoot: path.join(projectRoot(), 'web', 'dist'),
  });

  if (config.seedDemo && (await system.providerAdmin.seedDemo())) {
    logger.info(
      {
        providers: [
          { iysCode: 700001, brands: [700010, 700011], username: 'demo', password: 'demo-password-123' },
          { iysCode: 700002, brands: [700020], username: 'other', password: 'other-password-123' },
        ],
      },
      'sandbox providers created',
    );
  }

  if (config.sandbox) {
    logger.warn(
      { host: config.host },
      'SANDBOX mode: messages are not sent but shown at /dev/outbox (sign-in codes included) and demo ' +
        'accounts exist; never serve it to the public',
    );
  }
  if (config.role === 'worker') {
    logger.info({ role: config.role }, 'openiys is working the queues');
  } else {
    const address = await system.app.listen({ port: config.port, host: config.host });
    logger.info(
      {
        role: config.role,
        address,
        docs: `${address}/docs`,
        outbox: system.devOutbox ? `${address}/dev/outbox` : undefined,
      },
      'openiys is serving',
    );
  }

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
      await system.close();
      await runtime.embedded?.stop();
      clearTimeout(timer);
      logger.info('stopped');
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
