import type { Logger } from 'pino';
import { createListener } from '../../db/listener.js';
import type { ConsentStatus, ConsentType, RecipientType } from '../../domain/consent.js';
import type { ConsentStateRow, GatewayRepository } from '../../repositories/gateway.repository.js';
import { ConsentIndex } from './consent-index.js';

/** The channel of the event log's statement trigger (migration 0039): one wake per writing transaction. */
export const CONSENT_LOG_CHANNEL = 'consent_log';

/** Events read from the log per query. */
const LOG_PAGE = 10_000;
/**
 * How often the log is read without a wake: a write that sent none (a superuser's bulk load with triggers
 * off, a wake lost with its connection) is still read within this time.
 */
const READ_ANYWAY_MS = 5_000;

/**
 * Keeps the gateway's in-process index equal to the consents projection: a full load at start, then the
 * event log, read whenever it says it grew (LISTEN), from where this process left off.
 *
 * Where it left off is a cursor and a set. Every transaction below the cursor (the log horizon: the oldest
 * transaction still running) has been read or wrote nothing; the set holds the transactions at or above
 * it that have been read whole. So a refusal is read the moment its transaction commits — it does not wait
 * for an older import transaction still running — and a transaction that commits late is still read once.
 * A lost connection costs nothing more: after reconnecting the reader simply goes on from its cursor.
 */
export function createIndexSync(deps: { gateway: GatewayRepository; databaseUrl: string; logger: Logger }) {
  const { gateway, logger } = deps;
  const index = new ConsentIndex();
  let cursor: bigint | undefined;
  const seen = new Set<string>();

  function apply(row: ConsentStateRow): void {
    const recipientType = row.recipient_type as RecipientType;
    const type = row.type as ConsentType;
    // Consent dates only move forward for an identity (H178), so the later one is the current state,
    // whichever arrives first: a snapshot page, the log or a cache miss's look-up.
    const current = index.get(row.brand_id, recipientType, type, row.recipient_key);
    if (current && current.since > row.since) return;
    index.set(row.brand_id, recipientType, type, row.recipient_key, {
      status: row.status as ConsentStatus,
      since: row.since,
    });
  }

  async function readLog(): Promise<void> {
    if (cursor === undefined) return; // the load at start reads the log when it is done
    // The horizon first: every transaction below it committed before the pages below are read.
    const horizon = BigInt(await gateway.logHorizon());
    const read = new Set<string>();
    let after: { tx: string; id: string } | null = null;
    for (;;) {
      const page = await gateway.readLogPage({
        from: String(cursor),
        seen: [...seen],
        after,
        limit: LOG_PAGE,
      });
      let lastTx: string | undefined;
      for (const row of page) {
        apply(row);
        if (row.tx !== lastTx) read.add((lastTx = row.tx));
      }
      if (page.length < LOG_PAGE) break;
      after = { tx: page.at(-1)!.tx, id: page.at(-1)!.id };
    }
    for (const tx of read) seen.add(tx);
    if (horizon > cursor) {
      cursor = horizon;
      for (const tx of seen) if (BigInt(tx) < horizon) seen.delete(tx);
    }
  }

  // One read at a time; the wakes that arrive while one runs share the next.
  let tail: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  function readSoon(): Promise<void> {
    next ??= tail.then(() => {
      next = undefined;
      return readLog();
    });
    tail = next.catch(() => {});
    return next;
  }

  async function loadAll(): Promise<void> {
    const horizon = await gateway.logHorizon();
    for await (const page of gateway.streamConsentStates()) page.forEach(apply);
    logger.info({ consents: index.size }, 'gateway index loaded');
    cursor = BigInt(horizon);
    await readSoon();
  }

  // Listen first, then read: a transaction committed while reading wakes the reader again.
  const listener = createListener({
    databaseUrl: deps.databaseUrl,
    channel: CONSENT_LOG_CHANNEL,
    onNotify: () =>
      void readSoon().catch((error: unknown) =>
        // The listener's reconnection reads again from the cursor: nothing is lost.
        logger.warn({ err: error }, 'gateway index could not read the consent log'),
      ),
    onListening: () => (cursor === undefined ? loadAll() : readSoon()),
    logger,
  });

  let timer: NodeJS.Timeout | undefined;
  return {
    index,
    /** Puts a row read from the database (a cache miss) into the index. */
    apply,
    async start(): Promise<void> {
      await listener.start();
      timer = setInterval(
        () => void readSoon().catch(() => {}), // the listener reports a database that went away
        READ_ANYWAY_MS,
      ).unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await listener.stop();
    },
  };
}
