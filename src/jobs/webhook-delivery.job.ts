import type { Logger } from 'pino';
import { request } from 'undici';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../crypto/webhook-signature.js';
import { formatWireDate } from '../domain/wire-date.js';
import {
  BlockedDestination,
  publicOnlyAgent,
  requirePublicLiteral,
  systemLookup,
  type HostLookup,
} from '../net/public-destination.js';
import type { WebhookRepository } from '../repositories/webhook.repository.js';

export interface WebhookDeliveryOptions {
  /** First retry after this long, doubling each time up to maxRetryMs. */
  retryBaseMs?: number;
  maxRetryMs?: number;
  /** A delivery failing this long after its event is given up, and its endpoint disabled. */
  giveUpAfterMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** Sandbox only: endpoints on the loopback interface may be called. */
  allowLoopback?: boolean;
  /** How host names are resolved (the system resolver unless a test scripts the answers). */
  lookup?: HostLookup;
}

const CLAIM_BATCH = 50;

/** What the provider reads in its delivery log about an answer that was not a success. */
const describeStatus = (status: number) =>
  status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;

/**
 * A failed attempt in a fixed vocabulary: the network's own words (addresses, resolver and TLS details)
 * would tell a provider what lies behind the registry, so they go to no log a provider can read.
 */
function describeFailure(error: unknown): string {
  const blocked = [error, (error as { cause?: unknown }).cause].find((e) => e instanceof BlockedDestination);
  if (blocked) return (blocked as BlockedDestination).message;
  const code = String(
    (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code,
  );
  if (/TIMEOUT|ABORT/i.test(code)) return 'timeout';
  if (/CERT|TLS|SSL|ERR_SSL/i.test(code)) return 'tls error';
  return 'connection failed';
}
const TICK_MS = 1000;

type Claimed = Awaited<ReturnType<WebhookRepository['claimDue']>>[number];

/**
 * Sends webhook deliveries: woken by LISTEN as soon as deliveries commit (and every second for retries),
 * claims due ones with SKIP LOCKED so several servers share the work, POSTs each signed body, and records
 * the outcome. Failures retry with exponential backoff (10 s, 20 s, … at most an hour) for 24 hours; then
 * the delivery is given up and `onGivenUp` disables the endpoint.
 */
export function createWebhookDeliveryJob(deps: {
  webhooks: WebhookRepository;
  cipher: FieldCipher;
  logger: Logger;
  onGivenUp: (webhookId: string, reason: string) => Promise<void>;
  clock?: () => Date;
  options?: WebhookDeliveryOptions;
}) {
  const { webhooks, cipher, logger, onGivenUp, clock = () => new Date() } = deps;
  const {
    retryBaseMs = 10_000,
    maxRetryMs = 3600_000,
    giveUpAfterMs = 24 * 3600_000,
    timeoutMs = 10_000,
    concurrency = 16,
    allowLoopback = false,
    lookup = systemLookup,
  } = deps.options ?? {};
  const agent = publicOnlyAgent({ lookup, allowLoopback, timeoutMs });
  let tick: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  function bodyOf(row: Claimed): string {
    return JSON.stringify({
      id: row.event_id,
      type: 'consent.changed',
      createdAt: formatWireDate(row.creation_date),
      data: {
        iysCode: row.iys_code,
        brandCode: row.brand_code,
        transactionId: row.transaction_id,
        recipient: cipher.openAddress(row.recipient_key, row.address_enc),
        recipientType: row.recipient_type,
        type: row.type,
        status: row.status,
        source: row.source,
        consentDate: formatWireDate(row.consent_date),
        creationDate: formatWireDate(row.creation_date),
      },
    });
  }

  function secretsOf(row: Claimed, now: Date): string[] {
    const aad = Buffer.from(`webhook:${row.webhook_id}`);
    const secrets = [cipher.decrypt(row.secret_enc, aad)];
    if (row.previous_secret_enc && row.previous_until && row.previous_until > now)
      secrets.push(cipher.decrypt(row.previous_secret_enc, aad));
    return secrets;
  }

  async function deliver(row: Claimed): Promise<void> {
    const now = clock();
    if (row.webhook_status !== 'active') {
      await webhooks.markAttemptFailed(row.id, { httpStatus: null, error: 'endpoint disabled' }, null);
      return;
    }
    const body = bodyOf(row);
    let failure: { httpStatus: number | null; error: string };
    try {
      // IP literals never reach the agent's lookup: they are checked here; names are checked at connect.
      requirePublicLiteral(new URL(row.url).hostname, allowLoopback);
      const response = await request(row.url, {
        dispatcher: agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'openiys-webhooks/1',
          [EVENT_ID_HEADER]: row.event_id,
          [SIGNATURE_HEADER]: signatureHeader(secretsOf(row, now), Math.floor(now.getTime() / 1000), body),
        },
        body,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        await webhooks.markDelivered(row.id, response.statusCode, clock());
        return;
      }
      failure = { httpStatus: response.statusCode, error: describeStatus(response.statusCode) };
    } catch (error) {
      failure = { httpStatus: null, error: describeFailure(error) };
    }
    const age = now.getTime() - row.created_at.getTime();
    const delay = Math.min(retryBaseMs * 2 ** row.attempts, maxRetryMs);
    const givingUp = age + delay > giveUpAfterMs;
    await webhooks.markAttemptFailed(row.id, failure, givingUp ? null : new Date(now.getTime() + delay));
    // Wake for the retry on time rather than at the next tick (another server may take it first: fine).
    if (!givingUp) setTimeout(wake, delay).unref();
    if (givingUp) {
      logger.warn(
        { webhookId: row.webhook_id, deliveryId: row.id },
        'webhook delivery given up; disabling endpoint',
      );
      await onGivenUp(row.webhook_id, failure.error);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const claimed = await webhooks.claimDue(clock(), CLAIM_BATCH);
        for (let start = 0; start < claimed.length; start += concurrency) {
          await Promise.all(
            claimed
              .slice(start, start + concurrency)
              .map((row) =>
                deliver(row).catch((error: unknown) =>
                  logger.error({ err: error, deliveryId: row.id }, 'webhook delivery failed'),
                ),
              ),
          );
        }
        if (claimed.length < CLAIM_BATCH || stopped) break;
      }
    } while (again && !stopped);
  }

  /** Starts a drain, or asks the running one to go round again. */
  function wake(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = drain()
      .catch((error: unknown) => logger.error({ err: error }, 'webhook dispatcher error'))
      .finally(() => {
        draining = undefined;
      });
  }

  const listener = webhooks.listener(wake, logger);

  return {
    wake,
    async start(): Promise<void> {
      await listener.start();
      tick = setInterval(wake, TICK_MS).unref();
      wake();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(tick);
      await listener.stop();
      await draining;
      await agent.close();
    },
  };
}

export type WebhookDeliveryJob = ReturnType<typeof createWebhookDeliveryJob>;
