import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { PortalAccountService } from '../../../services/portal-account.service.js';
import type { ProviderPortalService } from '../../../services/provider-portal.service.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { ErrorResponse } from '../consents/schema.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
const wireDateOrNull = (date: Date | null) => (date ? formatWireDate(date) : null);

/** The provider portal's workspace: brands, API credentials and looking up one address. */
export function portalWorkspaceRoutes(deps: {
  portalAccounts: PortalAccountService;
  providerPortal: ProviderPortalService;
}): FastifyPluginAsyncTypebox {
  const { providerPortal: portal } = deps;
  return async (app) => {
    const tags = ['Firma portalı (provider portal)'];
    const errors = { '4xx': ErrorResponse };

    await app.register(async (scope) => {
      const anyone = scope.withTypeProvider<TypeBoxTypeProvider>();
      anyone.addHook('preHandler', requirePortalUser(deps.portalAccounts));

      anyone.get(
        '/api/portal/brands',
        {
          schema: {
            tags,
            summary: 'Brands with consent counts in total and per channel and status',
            response: {
              200: Type.Array(
                Type.Object({
                  brandCode: Type.Integer(),
                  name: Type.String(),
                  master: Type.Boolean(),
                  approval: Type.Integer(),
                  rejection: Type.Integer(),
                  byChannel: Type.Array(
                    Type.Object({ type: Type.String(), status: Type.String(), count: Type.Integer() }),
                  ),
                }),
              ),
              ...errors,
            },
          },
        },
        async (request) => portal.overview(portalUserOf(request)),
      );

      anyone.get(
        '/api/portal/brands/:brandCode/retailers',
        {
          schema: {
            tags,
            summary: 'Retailers of a brand, 100 per page',
            params: Type.Object({ brandCode: Type.String() }),
            querystring: Type.Object({
              offset: Type.Optional(Type.String()),
              limit: Type.Optional(Type.String()),
            }),
          },
        },
        async (request) =>
          portal.listRetailers(portalUserOf(request), request.params.brandCode, request.query),
      );

      anyone.get(
        '/api/portal/bulk-requests',
        {
          schema: {
            tags,
            summary: 'The latest 20 bulk requests sent through the API, with their item counts',
          },
        },
        async (request) =>
          (await portal.recentBulkRequests(portalUserOf(request))).map((r) => ({
            requestId: r.id,
            brandCode: r.brand_code,
            acceptedAt: formatWireDate(r.accepted_at),
            completedAt: r.completed_at ? formatWireDate(r.completed_at) : null,
            total: r.total,
            succeeded: r.succeeded,
            failed: r.failed,
          })),
      );

      anyone.get(
        '/api/portal/consents',
        {
          schema: {
            tags,
            summary: "One address's consents and history with the company's brands (exact match)",
            querystring: Type.Object({ recipient: Type.String() }),
          },
        },
        async (request) => {
          const found = await portal.searchRecipient(portalUserOf(request), request.query.recipient);
          return {
            recipient: found.recipient,
            consents: found.consents.map((c) => ({ ...c, consentDate: formatWireDate(c.consentDate) })),
            history: found.history.map((h) => ({
              ...h,
              consentDate: formatWireDate(h.consentDate),
              creationDate: formatWireDate(h.creationDate),
            })),
          };
        },
      );
    });

    await app.register(async (scope) => {
      const retailerUsers = scope.withTypeProvider<TypeBoxTypeProvider>();
      retailerUsers.addHook('preHandler', requirePortalUser(deps.portalAccounts, undefined, 'retailer'));
      retailerUsers.get(
        '/api/portal/retailer/consents',
        {
          schema: {
            tags,
            summary: "A retailer user's consents: those the retailer collected or was given access to",
            querystring: Type.Object({
              offset: Type.Optional(Type.String()),
              limit: Type.Optional(Type.String()),
            }),
          },
        },
        async (request) =>
          (await portal.retailerConsents(portalUserOf(request), request.query)).map((c) => ({
            ...c,
            consentDate: formatWireDate(c.consentDate),
          })),
      );
    });

    await app.register(async (scope) => {
      const admins = scope.withTypeProvider<TypeBoxTypeProvider>();
      admins.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin']));

      admins.post(
        '/api/portal/brands',
        {
          schema: {
            tags,
            summary: 'Create a brand; the registry gives it a brandCode (admins)',
            body: Type.Object({ name: Type.String() }),
            response: { 200: Type.Object({ brandCode: Type.Integer(), name: Type.String() }), ...errors },
          },
        },
        async (request) => portal.createBrand(portalUserOf(request), body(request).name),
      );

      admins.put(
        '/api/portal/brands/:brandCode',
        {
          schema: {
            tags,
            summary: 'Rename a brand (admins)',
            params: Type.Object({ brandCode: Type.String() }),
            body: Type.Object({ name: Type.String() }),
          },
        },
        async (request) => {
          await portal.renameBrand(portalUserOf(request), request.params.brandCode, body(request).name);
          return { brandCode: Number(request.params.brandCode), name: String(body(request).name).trim() };
        },
      );

      admins.post(
        '/api/portal/brands/:brandCode/retailers',
        {
          schema: {
            tags,
            summary: 'Add a retailer to a brand, as POST /sps/…/retailers does (admins)',
            params: Type.Object({ brandCode: Type.String() }),
          },
        },
        async (request) => portal.addRetailer(portalUserOf(request), request.params.brandCode, request.body),
      );

      admins.post(
        '/api/portal/retailers/:retailerCode/users',
        {
          schema: {
            tags,
            summary: "Invite a retailer's user, who will see only that retailer's consents (admins)",
            params: Type.Object({ retailerCode: Type.String() }),
            body: Type.Object({ email: Type.String(), name: Type.String() }),
            response: { 200: Type.Object({ id: Type.Integer() }), ...errors },
          },
        },
        async (request) => ({
          id: await portal.inviteRetailerUser(
            portalUserOf(request),
            request.params.retailerCode,
            body(request),
          ),
        }),
      );

      admins.get(
        '/api/portal/api-users',
        { schema: { tags, summary: 'API credentials for /oauth2/token (admins)' } },
        async (request) =>
          (await portal.listApiUsers(portalUserOf(request))).map((u) => ({
            ...u,
            createdAt: formatWireDate(u.createdAt),
            revokedAt: wireDateOrNull(u.revokedAt),
          })),
      );

      admins.post(
        '/api/portal/api-users',
        {
          schema: {
            tags,
            summary: 'Create an API credential; its password is shown once (admins)',
            body: Type.Object({ username: Type.String() }),
            response: {
              200: Type.Object({ id: Type.Integer(), username: Type.String(), password: Type.String() }),
              ...errors,
            },
          },
        },
        async (request) => portal.createApiUser(portalUserOf(request), body(request).username),
      );

      admins.post(
        '/api/portal/api-users/:id/revoke',
        {
          schema: {
            tags,
            summary: 'Revoke an API credential; its tokens stop working at once (admins)',
            params: Type.Object({ id: Type.String() }),
          },
        },
        async (request) => {
          await portal.revokeApiUser(portalUserOf(request), request.params.id);
          return { id: Number(request.params.id), revoked: true };
        },
      );
    });
  };
}
