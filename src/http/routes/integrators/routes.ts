import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../../../services/auth.service.js';
import type { IntegratorService } from '../../../services/integrator.service.js';
import type { PortalAccountService } from '../../../services/portal-account.service.js';
import { ownerOf, requireBearer } from '../../auth/bearer.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { ErrorResponse } from '../consents/schema.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
const Authorisations = Type.Object({
  pagination: Type.Object({ offset: Type.Integer(), totalCount: Type.Integer(), pageSize: Type.Integer() }),
  title: Type.String(),
  list: Type.Array(
    Type.Object({
      title: Type.String(),
      iysCode: Type.Integer(),
      brands: Type.Array(
        Type.Object({
          brandCode: Type.Integer(),
          name: Type.String(),
          master: Type.Boolean(),
          agreementControl: Type.Boolean(),
          ARAMA: Type.String(),
          MESAJ: Type.String(),
          EPOSTA: Type.String(),
        }),
      ),
    }),
  ),
});

/** Integrators (iş ortağı): the İYS integrator paths (§3.2) and the grants in the provider portal. */
export function integratorRoutes(deps: {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  integrators: IntegratorService;
  portalAccounts: PortalAccountService;
}): FastifyPluginAsyncTypebox {
  const { integrators } = deps;
  return async (app) => {
    const errors = { '4xx': ErrorResponse };

    await app.register(async (scope) => {
      const api = scope.withTypeProvider<TypeBoxTypeProvider>();
      api.addHook('preHandler', requireBearer(deps.auth, deps.apiRequestLimiter));
      const common = { tags: ['Entegratör (integrator)'], security: [{ bearer: [] as string[] }] };
      api.get(
        '/integrator/:integratorCode/sps',
        {
          schema: {
            ...common,
            summary: 'Every provider that authorised this integrator, with brands and rights',
            params: Type.Object({ integratorCode: Type.String() }),
            response: { 200: Authorisations, ...errors },
          },
        },
        async (request) => integrators.listAuthorisations(ownerOf(request), request.params.integratorCode),
      );
      api.get(
        '/integrator/:integratorCode/sps/:iysCode',
        {
          schema: {
            ...common,
            summary: "One provider's brands this integrator may use (isortagi-sorgulama)",
            params: Type.Object({ integratorCode: Type.String(), iysCode: Type.String() }),
            response: { 200: Authorisations, ...errors },
          },
        },
        async (request) =>
          integrators.listAuthorisations(
            ownerOf(request),
            request.params.integratorCode,
            request.params.iysCode,
          ),
      );
    });

    await app.register(async (scope) => {
      const tags = ['Firma portalı (provider portal)'];
      const company = scope.withTypeProvider<TypeBoxTypeProvider>();
      company.addHook('preHandler', requirePortalUser(deps.portalAccounts));
      company.get(
        '/api/portal/integrators',
        { schema: { tags, summary: 'Integrators authorised on our brands' } },
        async (request) => integrators.listGiven(portalUserOf(request)),
      );
    });

    await app.register(async (scope) => {
      const tags = ['Firma portalı (provider portal)'];
      const admins = scope.withTypeProvider<TypeBoxTypeProvider>();
      admins.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin']));
      admins.post(
        '/api/portal/integrators',
        {
          schema: {
            tags,
            summary:
              'Authorise an integrator (its iysCode) on a brand, per channel and for reconciliation (admins)',
            body: Type.Object({
              brandCode: Type.Integer(),
              integratorCode: Type.Integer(),
              ARAMA: Type.Optional(Type.Boolean()),
              MESAJ: Type.Optional(Type.Boolean()),
              EPOSTA: Type.Optional(Type.Boolean()),
              agreementControl: Type.Optional(Type.Boolean()),
            }),
          },
        },
        async (request) => {
          await integrators.grant(portalUserOf(request), body(request));
          return { granted: true };
        },
      );
      admins.delete(
        '/api/portal/integrators/:brandCode/:integratorCode',
        {
          schema: {
            tags,
            summary: 'Withdraw an integrator from a brand; its tokens lose access at once (admins)',
            params: Type.Object({ brandCode: Type.String(), integratorCode: Type.String() }),
          },
        },
        async (request) => {
          await integrators.revoke(
            portalUserOf(request),
            request.params.brandCode,
            request.params.integratorCode,
          );
          return { revoked: true };
        },
      );
    });
  };
}
