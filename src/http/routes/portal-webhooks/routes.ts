import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { PortalAccountService } from '../../../services/portal-account.service.js';
import type { WebhookService } from '../../../services/webhook.service.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { ErrorResponse } from '../consents/schema.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
const Params = Type.Object({ id: Type.String() });
const Secret = Type.Object({ id: Type.String(), secret: Type.String() });

/** Webhook endpoints in the provider portal: registration, secrets, delivery log and replay. */
export function portalWebhookRoutes(deps: {
  portalAccounts: PortalAccountService;
  webhooks: WebhookService;
}): FastifyPluginAsyncTypebox {
  const { webhooks } = deps;
  return async (app) => {
    const tags = ['Firma portalı (provider portal)'];
    const errors = { '4xx': ErrorResponse };

    await app.register(async (scope) => {
      const company = scope.withTypeProvider<TypeBoxTypeProvider>();
      company.addHook('preHandler', requirePortalUser(deps.portalAccounts));

      company.get(
        '/api/portal/webhooks',
        { schema: { tags, summary: 'Webhook endpoints of the company' } },
        async (request) =>
          (await webhooks.list(portalUserOf(request))).map((w) => ({
            ...w,
            createdAt: formatWireDate(w.createdAt),
          })),
      );

      company.get(
        '/api/portal/webhooks/:id/deliveries',
        { schema: { tags, summary: 'The last 100 deliveries of an endpoint, newest first', params: Params } },
        async (request) =>
          (await webhooks.deliveries(portalUserOf(request), request.params.id)).map((d) => ({
            id: d.id,
            eventId: d.event_id,
            type: d.type,
            consentStatus: d.consent_status,
            source: d.source,
            status: d.status,
            attempts: d.attempts,
            lastStatus: d.last_status,
            lastError: d.last_error,
            createdAt: formatWireDate(d.created_at),
            deliveredAt: d.delivered_at ? formatWireDate(d.delivered_at) : null,
          })),
      );
    });

    await app.register(async (scope) => {
      const admins = scope.withTypeProvider<TypeBoxTypeProvider>();
      admins.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin']));

      admins.post(
        '/api/portal/webhooks',
        {
          schema: {
            tags,
            summary: 'Register an https endpoint for a brand; its signing secret is shown once (admins)',
            body: Type.Object({ brandCode: Type.Integer(), url: Type.String() }),
            response: { 200: Secret, ...errors },
          },
        },
        async (request) => webhooks.create(portalUserOf(request), body(request)),
      );

      admins.post(
        '/api/portal/webhooks/:id/rotate-secret',
        {
          schema: {
            tags,
            summary: 'A new signing secret, shown once; the old one also signs for 24 hours (admins)',
            params: Params,
            response: { 200: Secret, ...errors },
          },
        },
        async (request) => webhooks.rotateSecret(portalUserOf(request), request.params.id),
      );

      for (const [action, enabled] of [
        ['enable', true],
        ['disable', false],
      ] as const) {
        admins.post(
          `/api/portal/webhooks/:id/${action}`,
          {
            schema: {
              tags,
              summary: `${action === 'enable' ? 'Enable' : 'Disable'} an endpoint (admins)`,
              params: Params,
            },
          },
          async (request) => {
            await webhooks.setEnabled(portalUserOf(request), request.params.id, enabled);
            return { id: request.params.id, status: enabled ? 'active' : 'disabled' };
          },
        );
      }

      admins.delete(
        '/api/portal/webhooks/:id',
        { schema: { tags, summary: 'Remove an endpoint and its delivery log (admins)', params: Params } },
        async (request) => {
          await webhooks.remove(portalUserOf(request), request.params.id);
          return { id: request.params.id, removed: true };
        },
      );

      admins.post(
        '/api/portal/webhook-deliveries/:id/replay',
        {
          schema: {
            tags,
            summary: 'Send a delivery’s event again (same event id, new delivery) (admins)',
            params: Params,
            response: { 200: Type.Object({ id: Type.String() }), ...errors },
          },
        },
        async (request) => webhooks.replay(portalUserOf(request), request.params.id),
      );
    });
  };
}
