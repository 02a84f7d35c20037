import type { Logger } from 'pino';
import { createListener } from '../../db/listener.js';
import type { ConsentStatus, ConsentType, RecipientType } from '../../domain/consent.js';
import type { ConsentStateRow, GatewayRepository } from '../../repositories/gateway.repository.js';
import { ConsentIndex } from './consent-index.js';

/** The channel of the consents table's change trigger (migration 0003-gateway). */
export const CONSENT_CHANGES_CHANNEL = 'consent_changes';

/**
 * How far before the listener's last sign of life a catch-up starts: a transaction that was still open then
 * (its events dated before it commits) is read too. Longer than any write transaction of the registry.
 */
const CATCH_UP_MARGIN_MS = 5 * 60_000;

/**
 * Decodes one notification of the consents change trigger (migration 0003-gateway): up to 50 rows
 * `brand_id,recipient_type,type,status,consent_epoch,key_hex` separated by `;`.
 */
export function decodeConsentChanges(payload: string): ConsentStateRow[] {
  const rows: ConsentStateRow[] = [];
  for (const line of payload.split(';')) {
    const [brandId, recipientType, type, status, since, keyHex] = line.split(',');
    if (!keyHex) continue;
    rows.push({
      brand_id: Number(brandId),
      recipient_type: recipientType!,
      type: type!,
      status: status!,
      since: Number(since),
      recipient_key: Buffer.from(keyHex, 'hex'),
    });
  }
  return rows;
}

/**
 * Keeps the gateway's in-process index equal to the consents projection: a full load at start, then the
 * change stream (LISTEN). When the stream is lost — the database restarted, the connection died — it
 * reconnects and reads only the consent events recorded since shortly before it last heard from the
 * database (a watermark, with a margin for transactions that were still open), not the whole projection.
 */
export function createIndexSync(deps: {
  gateway: GatewayRepository;
  databaseUrl: string;
  logger: Logger;
  clock?: () => Date;
}) {
  const { gateway, logger, clock = () => new Date() } = deps;
  const index = new ConsentIndex();

  function apply(row: ConsentStateRow): void {
    const recipientType = row.recipient_type as RecipientType;
    const type = row.type as ConsentType;
    // Consent dates only move forward for an identity (H178), so the later one is the current state,
    // whichever arrives first: a snapshot page, a catch-up or a notification.
    const current = index.get(row.brand_id, recipientType, type, row.recipient_key);
    if (current && current.since > row.since) return;
    index.set(row.brand_id, recipientType, type, row.recipient_key, {
      status: row.status as ConsentStatus,
      since: row.since,
    });
  }

  async function loadAll(): Promise<void> {
    for await (const page of gateway.streamConsentStates()) page.forEach(apply);
    logger.info({ consents: index.size }, 'gateway index loaded');
  }

  async function catchUp(lastHeard: Date): Promise<void> {
    let changes = 0;
    for await (const page of gateway.streamChangesSince(new Date(lastHeard.getTime() - CATCH_UP_MARGIN_MS))) {
      page.forEach(apply);
      changes += page.length;
    }
    logger.info({ changes, since: lastHeard }, 'gateway index caught up after the change stream was lost');
  }

  // Listen first, then read: a change committed while reading arrives as a notification.
  const listener = createListener({
    databaseUrl: deps.databaseUrl,
    channel: CONSENT_CHANGES_CHANNEL,
    onNotify: (payload) => decodeConsentChanges(payload).forEach(apply),
    onListening: (lastHeard) => (lastHeard ? catchUp(lastHeard) : loadAll()),
    logger,
    clock,
  });

  return {
    index,
    /** Puts a row read from the database (a cache miss) into the index. */
    apply,
    start: () => listener.start(),
    stop: () => listener.stop(),
  };
}
