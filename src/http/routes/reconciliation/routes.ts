import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify';
import { csvOptions } from '../../spreadsheet.js';
import type { AuthService } from '../../../services/auth.service.js';
import { MOVEMENT_COLUMNS, type ReconciliationService } from '../../../services/reconciliation.service.js';
import { requireOwnerOrRight, type TenancyService } from '../../../services/tenancy.service.js';
import { requireBearer } from '../../auth/bearer.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { brandScopeOf } from '../../auth/brand-scope.js';
import { ErrorResponse } from '../consents/schema.js';

/** A day's movements per channel, each split by source (HS, IYS): the summary's wire shape. */
export const ChangeStats = Type.Array(
  Type.Object({
    type: Type.String(),
    consents: Type.Array(
      Type.Object({
        source: Type.String(),
        total: Type.Integer(),
        approval: Type.Integer(),
        rejection: Type.Integer(),
      }),
    ),
  }),
);

/** Reconciliation (mutabakat, iys-api.md §3.6): a day's summary and its movement file. */
export function reconciliationRoutes(deps: {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  tenancy: TenancyService;
  reconciliation: ReconciliationService;
}): FastifyPluginAsyncTypebox {
  // An integrator reconciles only with the reconciliation right (agreementControl).
  const scopeOf = async (request: FastifyRequest) => {
    const scope = await brandScopeOf(deps.tenancy, request);
    requireOwnerOrRight(scope, 'reconciliation');
    return scope;
  };
  return async (app) => {
    app.addHook('preHandler', requireBearer(deps.auth, deps.apiRequestLimiter));
    const common = { tags: ['Mutabakat'], security: [{ bearer: [] }] };
    const base = '/sps/:iysCode/brands/:brandCode/changes/:reportDate';

    app.get(
      `${base}/recipients/:recipientType`,
      {
        schema: {
          ...common,
          summary: "The day's movements per channel and source (HS, IYS) for one recipient type",
          params: Type.Object({
            iysCode: Type.String(),
            brandCode: Type.String(),
            reportDate: Type.String({ description: 'YYYY-MM-DD (Türkiye time)' }),
            recipientType: Type.String(),
          }),
          response: {
            200: Type.Object({ changeStats: ChangeStats }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) =>
        deps.reconciliation.summary(
          await scopeOf(request),
          request.params.reportDate,
          request.params.recipientType,
        ),
    );

    app.get(
      `${base}/file`,
      {
        config: { auditAs: 'reconciliation.file' },
        schema: {
          ...common,
          summary: `The day's movement file as CSV (${MOVEMENT_COLUMNS.join(', ')}); one of the 7 days before today`,
          params: Type.Object({
            iysCode: Type.String(),
            brandCode: Type.String(),
            reportDate: Type.String(),
          }),
        },
      },
      async (request, reply) => {
        const scope = await scopeOf(request);
        const rows = deps.reconciliation.movementFile(scope, request.params.reportDate);
        const csv = Readable.from(rows).pipe(stringify(csvOptions(MOVEMENT_COLUMNS)));
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="izin-hareketleri-${scope.brand.brand_code}-${request.params.reportDate}.csv"`,
          )
          .send(csv);
      },
    );
  };
}
