import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/types.js';
import { IysRequestError } from '../domain/iys-errors.js';
import type { OutboxRepository } from '../repositories/outbox.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { WebhookRepository } from '../repositories/webhook.repository.js';
import type { MessageQueue, OutboxService } from './outbox.service.js';
import type { PortalSession } from './portal-account.service.js';
import { isUuid } from '../domain/uuid.js';
import { codeOf } from '../domain/scalars.js';
import {
  BlockedDestination,
  resolvePublic,
  systemLookup,
  type HostLookup,
} from '../net/public-destination.js';

const MAX_URL_CHARS = 2048;
/** After a rotation the old secret keeps signing this long beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A provider's webhook endpoints: every consent change of a brand — above all a citizen's refusal — is
 * POSTed to them, signed with a per-endpoint secret (shown once, rotatable). Only https to the public
 * internet is accepted, and in the sandbox also http on the loopback interface.
 */
export function createWebhookService(deps: {
  db: Kysely<Database>;
  webhooks: WebhookRepository;
  providers: ProviderRepository;
  outbox: OutboxRepository;
  messages: OutboxService;
  queue: MessageQueue;
  cipher: FieldCipher;
  allowLoopbackHttp: boolean;
  /** How endpoint host names are resolved (the system resolver unless a test scripts the answers). */
  lookup?: HostLookup;
  clock?: () => Date;
}) {
  const { db, webhooks, providers, outbox, messages, queue, cipher, allowLoopbackHttp } = deps;
  const lookup = deps.lookup ?? systemLookup;
  const clock = deps.clock ?? (() => new Date());
  const aad = (id: string) => Buffer.from(`webhook:${id}`);
  const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

  function requireUrl(value: unknown): string {
    let url: URL | undefined;
    try {
      url = typeof value === 'string' && value.length <= MAX_URL_CHARS ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    const allowed =
      url !== undefined &&
      !url.username &&
      !url.password &&
      (url.protocol === 'https:' ||
        (allowLoopbackHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname)));
    if (!allowed) throw IysRequestError.of('H940', { location: ['url'], value, vars: { field: 'url' } });
    return url!.toString();
  }

  /**
   * The endpoint must be on the public internet: its name resolves, and only to public addresses (checked
   * again at every delivery, at connect time). Said without naming what the name resolved to.
   */
  async function requirePublicEndpoint(url: string): Promise<void> {
    try {
      await resolvePublic(new URL(url).hostname, lookup, allowLoopbackHttp);
    } catch (error) {
      if (error instanceof BlockedDestination)
        throw IysRequestError.of('H980', { location: ['url'], value: url });
      throw error;
    }
  }

  async function requireWebhook(session: PortalSession, id: string) {
    const webhook = isUuid(id) ? await webhooks.findWebhook(session.providerId, id) : undefined;
    if (!webhook) throw IysRequestError.of('H904', { location: ['id'], value: id });
    return webhook;
  }

  return {
    async create(session: PortalSession, body: { brandCode?: unknown; url?: unknown }) {
      const url = requireUrl(body.url);
      const brandCode = codeOf(body.brandCode);
      const brand = brandCode === undefined ? undefined : await providers.findBrandByCode(brandCode);
      if (!brand || brand.provider_id !== session.providerId)
        throw IysRequestError.of('H930', { location: ['brandCode'], value: body.brandCode });
      await requirePublicEndpoint(url);
      const id = randomUUID();
      const secret = newSecret();
      await webhooks.insertWebhook({
        id,
        provider_id: session.providerId,
        brand_id: brand.id,
        url,
        secret_enc: cipher.encrypt(secret, aad(id)),
        status: 'active',
      });
      return { id, secret };
    },

    async list(session: PortalSession) {
      return (await webhooks.listWebhooks(session.providerId)).map((w) => ({
        id: w.id,
        brandCode: w.brand_code,
        url: w.url,
        status: w.status,
        disabledReason: w.disabled_reason,
        createdAt: w.created_at,
      }));
    },

    /** A new secret, shown once; the previous one keeps signing for a day beside it. */
    async rotateSecret(session: PortalSession, id: string) {
      const webhook = await requireWebhook(session, id);
      const secret = newSecret();
      await webhooks.updateWebhook(db, webhook.id, {
        secret_enc: cipher.encrypt(secret, aad(webhook.id)),
        previous_secret_enc: webhook.secret_enc,
        previous_until: new Date(clock().getTime() + ROTATION_OVERLAP_MS),
      });
      return { id: webhook.id, secret };
    },

    async setEnabled(session: PortalSession, id: string, enabled: boolean) {
      const webhook = await requireWebhook(session, id);
      await webhooks.updateWebhook(
        db,
        webhook.id,
        enabled
          ? { status: 'active', disabled_reason: null }
          : { status: 'disabled', disabled_reason: 'disabled by the provider' },
      );
    },

    async remove(session: PortalSession, id: string) {
      await requireWebhook(session, id);
      await webhooks.deleteWebhook(session.providerId, id);
    },

    async deliveries(session: PortalSession, id: string) {
      const webhook = await requireWebhook(session, id);
      return webhooks.listDeliveries(webhook.id, 100);
    },

    /** Sends an event again as a new delivery with the same event id, so the receiver can deduplicate. */
    async replay(session: PortalSession, deliveryId: string) {
      const delivery = isUuid(deliveryId)
        ? await webhooks.findDelivery(session.providerId, deliveryId)
        : undefined;
      if (!delivery) throw IysRequestError.of('H904', { location: ['id'], value: deliveryId });
      const id = randomUUID();
      await webhooks.insertDeliveries(db, [
        { id, webhook_id: delivery.webhook_id, event_id: delivery.event_id, created_at: clock() },
      ]);
      return { id };
    },

    /** An endpoint that failed for a day is disabled, and the company's portal admins are told by e-mail. */
    async disableAfterFailures(webhookId: string, reason: string): Promise<void> {
      const row = await webhooks.findWebhookById(webhookId);
      if (!row || row.status === 'disabled') return;
      const keys = await webhooks.listAdminEmailKeys(row.provider_id);
      const drafts = keys.map((recipientKey) =>
        messages.prepare({
          channel: 'email',
          recipientKey,
          purpose: 'provider-notice',
          subject: 'İYS: webhook uç noktanız devre dışı bırakıldı',
          text:
            `${row.url} adresine 24 saat boyunca izin değişikliği iletilemedi (son hata: ${reason}). ` +
            'Uç nokta devre dışı bırakıldı. Sorunu giderdikten sonra portaldan yeniden etkinleştirip ' +
            'teslim edilemeyen olayları yeniden gönderebilirsiniz.',
        }),
      );
      await db.transaction().execute(async (trx) => {
        await webhooks.updateWebhook(trx, webhookId, {
          status: 'disabled',
          disabled_reason: `failing for 24 hours: ${reason}`.slice(0, 500),
        });
        await outbox.insertMessages(trx, drafts);
      });
      await queue.sendSoon(drafts.map((d) => d.id));
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
