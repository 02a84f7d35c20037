import pg from 'pg';
import type { Logger } from 'pino';

export interface ListenerOptions {
  databaseUrl: string;
  channel: string;
  onNotify: (payload: string) => void;
  /**
   * Called once the channel is listened to, before notifications are relied on: at start with
   * `lastHeard` undefined, after a reconnection with the last moment the previous connection was known to
   * be listening (whatever was committed after it may have been missed).
   */
  onListening: (lastHeard: Date | undefined) => Promise<void> | void;
  logger: Logger;
  clock?: () => Date;
  /** How often a quiet connection is asked whether it is still there. */
  heartbeatMs?: number;
}

const MAX_RETRY_MS = 30_000;

/**
 * A LISTEN connection that survives its database: when the connection drops — a restart, a crash, a
 * failover, or silently — it reconnects with backoff, listens again and lets the owner catch up with what
 * it may have missed (`onListening`). A heartbeat query finds connections that died without a word.
 * `start` resolves once listening the first time, and rejects if that first attempt fails.
 */
export function createListener(options: ListenerOptions) {
  const { databaseUrl, channel, logger, clock = () => new Date(), heartbeatMs = 10_000 } = options;
  let client: pg.Client | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastHeard: Date | undefined;
  let failures = 0;

  async function connect(): Promise<void> {
    const connection = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
    client = connection;
    let lost = false;
    const onLost = (error: Error) => {
      if (lost || stopped || client !== connection) return;
      lost = true;
      clearInterval(heartbeat);
      connection.end().catch(() => {});
      logger.warn({ channel, err: error }, 'database listener lost; reconnecting');
      scheduleReconnect();
    };
    connection.on('error', onLost);
    connection.on('end', () => onLost(new Error('connection ended')));
    connection.on('notification', (message) => {
      lastHeard = clock();
      options.onNotify(message.payload ?? '');
    });
    // What was last heard before this connection: if the catch-up fails, the next attempt starts from it
    // again, not from this attempt's time (which would skip what was missed in between).
    const previous = lastHeard;
    try {
      await connection.connect();
      await connection.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      lastHeard = clock();
      await options.onListening(previous);
    } catch (error) {
      lost = true;
      lastHeard = previous;
      await connection.end().catch(() => {});
      throw error;
    }
    failures = 0;
    heartbeat = setInterval(() => {
      connection
        .query('SELECT 1')
        .then(() => (lastHeard = clock()))
        .catch((error: Error) => onLost(error));
    }, heartbeatMs).unref();
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    const delay = Math.min(MAX_RETRY_MS, 500 * 2 ** failures++);
    retry = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger.warn({ channel, err: error, retryInMs: delay }, 'database listener cannot reconnect yet');
        scheduleReconnect();
      });
    }, delay).unref();
  }

  return {
    start: connect,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(heartbeat);
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
