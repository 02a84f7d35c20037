import type { Logger } from 'pino';
import { createListener } from '../db/listener.js';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, WebhooksTable } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type WebhookRow = Selectable<WebhooksTable>;

/** How long a claimed delivery stays invisible to other dispatchers before it is tried again. */
const CLAIM_LEASE = '2 minutes';

/** Webhook endpoints, their deliveries (an outbox per endpoint) and the wake-up channel. */
export function createWebhookRepository(db: Kysely<Database>, databaseUrl: string) {
  return {
    insertWebhook: (row: Insertable<WebhooksTable>) => db.insertInto('webhooks').values(row).execute(),

    listWebhooks: (providerId: number) =>
      db
        .selectFrom('webhooks as w')
        .innerJoin('brands as b', 'b.id', 'w.brand_id')
        .selectAll('w')
        .select('b.brand_code')
        .where('w.provider_id', '=', providerId)
        .orderBy('w.created_at')
        .execute(),

    findWebhookById: (id: string) =>
      db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst(),

    findWebhook: (providerId: number, id: string) =>
      db
        .selectFrom('webhooks')
        .selectAll()
        .where('provider_id', '=', providerId)
        .where('id', '=', id)
        .executeTakeFirst(),

    updateWebhook: (
      executor: Executor,
      id: string,
      changes: Partial<
        Pick<
          WebhookRow,
          'secret_enc' | 'previous_secret_enc' | 'previous_until' | 'status' | 'disabled_reason'
        >
      >,
    ) => executor.updateTable('webhooks').set(changes).where('id', '=', id).execute(),

    deleteWebhook: (providerId: number, id: string) =>
      db.deleteFrom('webhooks').where('provider_id', '=', providerId).where('id', '=', id).executeTakeFirst(),

    activeWebhookIds: async (executor: Executor, brandId: number): Promise<string[]> =>
      (
        await executor
          .selectFrom('webhooks')
          .select('id')
          .where('brand_id', '=', brandId)
          .where('status', '=', 'active')
          .execute()
      ).map((r) => r.id),

    /** One delivery per (endpoint, event), in the caller's transaction. */
    insertDeliveries: async (
      executor: Executor,
      rows: { id: string; webhook_id: string; event_id: string; created_at: Date }[],
    ): Promise<void> => {
      if (rows.length === 0) return;
      await sql`
        INSERT INTO webhook_deliveries (id, webhook_id, event_id, status, next_attempt_at, created_at)
        SELECT id, wh, ev, 'pending', at, at
        FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.webhook_id)}::uuid[],
                    ${rows.map((r) => r.event_id)}::bigint[], ${rows.map((r) => r.created_at)}::timestamptz[])
          AS d(id, wh, ev, at)`.execute(executor);
    },

    /**
     * Claims up to `limit` due deliveries for this dispatcher (SKIP LOCKED, then a lease), with everything
     * needed to send them: the endpoint, its secrets, and the event with its sealed address.
     */
    claimDue: async (now: Date, limit: number) => {
      const { rows } = await sql<{
        id: string;
        webhook_id: string;
        event_id: string;
        attempts: number;
        created_at: Date;
      }>`
        UPDATE webhook_deliveries d SET next_attempt_at = ${now}::timestamptz + ${CLAIM_LEASE}::interval
        WHERE d.id IN (
          SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.webhook_id, d.event_id, d.attempts, d.created_at`.execute(db);
      if (rows.length === 0) return [];
      const details = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .innerJoin('consent_events as e', 'e.id', 'd.event_id')
        .innerJoin('brands as b', 'b.id', 'e.brand_id')
        .innerJoin('providers as p', 'p.id', 'b.provider_id')
        .innerJoin('recipients as r', 'r.recipient_key', 'e.recipient_key')
        .select([
          'd.id',
          'w.url',
          'w.secret_enc',
          'w.previous_secret_enc',
          'w.previous_until',
          'w.status as webhook_status',
        ])
        .select([
          'e.transaction_id',
          'e.recipient_key',
          'r.address_enc',
          'e.recipient_type',
          'e.type',
          'e.status',
        ])
        .select(['e.source', 'e.consent_date', 'e.creation_date', 'b.brand_code', 'p.iys_code'])
        .where(
          'd.id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const byId = new Map(details.map((d) => [d.id, d]));
      return rows.flatMap((row) => {
        const detail = byId.get(row.id);
        return detail ? [{ ...row, ...detail }] : [];
      });
    },

    markDelivered: (id: string, httpStatus: number, now: Date) =>
      db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: 'delivered',
          attempts: eb('attempts', '+', 1),
          last_status: httpStatus,
          last_error: null,
          delivered_at: now,
        }))
        .where('id', '=', id)
        .execute(),

    /** Records a failed attempt: tried again at `retryAt`, or given up (status failed) when it is null. */
    markAttemptFailed: (
      id: string,
      failure: { httpStatus: number | null; error: string },
      retryAt: Date | null,
    ) =>
      db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_status: failure.httpStatus,
          last_error: failure.error.slice(0, 500),
          ...(retryAt ? { next_attempt_at: retryAt } : { status: 'failed' as const }),
        }))
        .where('id', '=', id)
        .execute(),

    listDeliveries: (webhookId: string, limit: number) =>
      db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('consent_events as e', 'e.id', 'd.event_id')
        .select([
          'd.id',
          'd.event_id',
          'd.status',
          'd.attempts',
          'd.last_status',
          'd.last_error',
          'd.created_at',
          'd.delivered_at',
        ])
        .select(['e.type', 'e.status as consent_status', 'e.source'])
        .where('d.webhook_id', '=', webhookId)
        .orderBy('d.created_at', 'desc')
        .limit(limit)
        .execute(),

    findDelivery: (providerId: number, deliveryId: string) =>
      db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .select(['d.id', 'd.webhook_id', 'd.event_id'])
        .where('w.provider_id', '=', providerId)
        .where('d.id', '=', deliveryId)
        .executeTakeFirst(),

    /** The e-mail keys of a provider's active portal admins, to tell them an endpoint was disabled. */
    listAdminEmailKeys: async (providerId: number): Promise<Buffer[]> =>
      (
        await db
          .selectFrom('portal_users')
          .select('email_key')
          .where('provider_id', '=', providerId)
          .where('role', '=', 'admin')
          .where('retailer_id', 'is', null)
          .where('disabled_at', 'is', null)
          .execute()
      ).map((r) => r.email_key),

    /**
     * A listener that calls `onWake` whenever deliveries are committed, and after every (re)connection: the
     * deliveries are rows, so waking once after an outage finds whatever was committed meanwhile.
     */
    listener: (onWake: () => void, logger: Logger) =>
      createListener({
        databaseUrl,
        channel: 'webhook_deliveries',
        onNotify: onWake,
        onListening: onWake,
        logger,
      }),
  };
}

export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
