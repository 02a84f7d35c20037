import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { AuthService } from '../../../services/auth.service.js';
import type { RetailerService } from '../../../services/retailer.service.js';
import { requireOwnerOrRight, type TenancyService } from '../../../services/tenancy.service.js';
import { requireBearer } from '../../auth/bearer.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { brandScopeOf } from '../../auth/brand-scope.js';
import { ErrorResponse } from '../consents/schema.js';

const Place = Type.Object({ code: Type.String(), name: Type.String() });
const RetailerBody = Type.Object({
  title: Type.String({ maxLength: 255 }),
  mersis: Type.Optional(Type.String()),
  alias: Type.Optional(Type.String({ maxLength: 255 })),
  name: Type.String({ maxLength: 255 }),
  tckn: Type.String(),
  mobile: Type.Optional(Type.String()),
  city: Place,
  town: Place,
  status: Type.Optional(
    Type.Union([Type.Literal('active'), Type.Literal('passive'), Type.Literal('pending')]),
  ),
});
const Retailer = Type.Object({
  retailerCode: Type.Integer(),
  title: Type.String(),
  alias: Type.Union([Type.String(), Type.Null()]),
  mersis: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  tckn: Type.String(),
  mobile: Type.Union([Type.String(), Type.Null()]),
  city: Place,
  town: Place,
  status: Type.String(),
  canBeDeleted: Type.String(),
  retailerAccessCount: Type.Integer(),
});
const Page = Type.Object({
  pagination: Type.Object({ offset: Type.Integer(), pageSize: Type.Integer(), totalCount: Type.Integer() }),
  list: Type.Array(Type.Unknown()),
});
const PageQuery = Type.Object({ offset: Type.Optional(Type.String()), limit: Type.Optional(Type.String()) });
const AccessBody = Type.Object({
  recipient: Type.Optional(Type.String()),
  recipients: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
  recipientType: Type.String(),
  type: Type.String(),
  retailerAccess: Type.Optional(Type.Array(Type.Integer(), { maxItems: 100 })),
});

/** Every singular/plural spelling clients use for a path (iys-api.md §3.5, §8). */
function spellings(pattern: string): string[] {
  const paths = new Set<string>();
  for (const consent of ['consents', 'consent'])
    for (const retailer of ['retailers', 'retailer'])
      paths.add(pattern.replace('{consents}', consent).replace('{retailers}', retailer));
  return [...paths];
}

/** Retailers (bayi) of a brand and their access to consents: iys-api.md §3.4 and §3.5. */
export function retailerRoutes(deps: {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  tenancy: TenancyService;
  retailers: RetailerService;
}): FastifyPluginAsyncTypebox {
  const { retailers } = deps;
  // Retailers are the brand owner's business: an integrator is refused (H363) whatever its rights.
  const scopeOf = async (request: FastifyRequest) => {
    const scope = await brandScopeOf(deps.tenancy, request);
    requireOwnerOrRight(scope);
    return scope;
  };
  return async (app) => {
    app.addHook('preHandler', requireBearer(deps.auth, deps.apiRequestLimiter));
    const common = { tags: ['Bayi'], security: [{ bearer: [] }] };
    const errors = { '4xx': ErrorResponse };
    const brandBase = '/sps/:iysCode/brands/:brandCode';

    app.post(
      `${brandBase}/retailers`,
      {
        schema: {
          ...common,
          summary: 'Add a retailer (bayi ekleme); at most 3000 per brand',
          body: RetailerBody,
          response: { 200: Type.Object({ retailerCode: Type.Integer() }), ...errors },
        },
      },
      async (request) => retailers.add(await scopeOf(request), request.body),
    );

    app.get(
      `${brandBase}/retailers`,
      {
        schema: {
          ...common,
          summary:
            'List retailers, 100 per page (offset, limit ≤ 100; all=false: only active; short=true: fewer fields)',
          querystring: Type.Object({
            offset: Type.Optional(Type.String()),
            limit: Type.Optional(Type.String()),
            all: Type.Optional(Type.String()),
            short: Type.Optional(Type.String()),
          }),
          response: { 200: Page, ...errors },
        },
      },
      async (request) => retailers.list(await scopeOf(request), request.query),
    );

    app.get(
      `${brandBase}/retailers/:retailerCode`,
      {
        schema: {
          ...common,
          summary: 'One retailer',
          params: Type.Object({
            iysCode: Type.String(),
            brandCode: Type.String(),
            retailerCode: Type.String(),
          }),
          response: { 200: Retailer, ...errors },
        },
      },
      async (request) => retailers.get(await scopeOf(request), request.params.retailerCode),
    );

    app.delete(
      `${brandBase}/retailers/:retailerCode`,
      {
        schema: {
          ...common,
          summary: 'Delete a retailer that was never linked to a consent; answers the plain text "Success"',
          params: Type.Object({
            iysCode: Type.String(),
            brandCode: Type.String(),
            retailerCode: Type.String(),
          }),
        },
      },
      async (request, reply) => {
        await retailers.remove(await scopeOf(request), request.params.retailerCode);
        return reply.type('text/plain; charset=utf-8').send('Success');
      },
    );

    const accessSchema = (summary: string, hide: boolean) => ({ ...common, summary, hide, body: AccessBody });
    const routes: Array<[string, 'POST' | 'PUT', string, (request: FastifyRequest) => Promise<unknown>]> = [
      [
        '{consents}/{retailers}/access',
        'POST',
        'Give retailers access to one consent',
        async (request) => {
          const given = await retailers.giveAccess(await scopeOf(request), request.body);
          return { transactionId: given.transactionId, creationDate: formatWireDate(given.creationDate) };
        },
      ],
      [
        '{consents}/{retailers}/access',
        'PUT',
        'Give retailers access to up to 100 consents (recipients without a consent come back in errors, H401)',
        async (request) => {
          const given = await retailers.giveAccessToMany(await scopeOf(request), request.body);
          return {
            creationDate: formatWireDate(given.creationDate),
            ...(given.errors.length ? { errors: given.errors } : {}),
          };
        },
      ],
    ];
    for (const [pattern, method, summary, handler] of routes) {
      spellings(`${brandBase}/${pattern}`).forEach((url, index) =>
        app.route({ method, url, schema: accessSchema(summary, index > 0), handler }),
      );
    }

    spellings(`${brandBase}/{consents}/{retailers}/access/list`).forEach((url, index) =>
      app.post(
        url,
        {
          schema: {
            ...accessSchema('Which retailers may see one consent (paginated, ≤ 100 per page)', index > 0),
            querystring: PageQuery,
            response: { 200: Page, ...errors },
          },
        },
        async (request) => retailers.listAccess(await scopeOf(request), request.body, request.query),
      ),
    );

    const removals: Array<[string, string, (request: FastifyRequest) => Promise<void>]> = [
      [
        '{consents}/{retailers}/access/remove',
        'Remove the listed retailers’ access to up to 100 consents; 202 without a body',
        async (request) => retailers.removeAccess(await scopeOf(request), request.body),
      ],
      [
        '{consents}/{retailers}/access/remove/all',
        'Remove every retailer’s access to up to 100 consents; 202 without a body',
        async (request) => retailers.removeAllAccess(await scopeOf(request), request.body),
      ],
    ];
    for (const [pattern, summary, remove] of removals) {
      spellings(`${brandBase}/${pattern}`).forEach((url, index) =>
        app.post(url, { schema: accessSchema(summary, index > 0) }, async (request, reply) => {
          await remove(request);
          return reply.code(202).send();
        }),
      );
    }
  };
}
