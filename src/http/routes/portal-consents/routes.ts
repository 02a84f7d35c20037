import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { PortalAccountService } from '../../../services/portal-account.service.js';
import type { PortalConsentService } from '../../../services/portal-consents.service.js';
import { MOVEMENT_COLUMNS } from '../../../services/reconciliation.service.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { csvOptions } from '../../spreadsheet.js';
import { ErrorResponse } from '../consents/schema.js';
import { ChangeStats } from '../reconciliation/routes.js';

const DayParams = Type.Object({ brandCode: Type.String(), reportDate: Type.String() });

/** The portal's consent desk: one consent typed in by hand, and the day's reconciliation on screen. */
export function portalConsentRoutes(deps: {
  portalAccounts: PortalAccountService;
  portalConsents: PortalConsentService;
}): FastifyPluginAsyncTypebox {
  const { portalConsents } = deps;
  return async (app) => {
    const tags = ['Firma portalı (provider portal)'];
    const errors = { '4xx': ErrorResponse };

    await app.register(async (scope) => {
      const company = scope.withTypeProvider<TypeBoxTypeProvider>();
      company.addHook('preHandler', requirePortalUser(deps.portalAccounts));
      company.get(
        '/api/portal/brands/:brandCode/reconciliation/:reportDate',
        {
          schema: {
            tags,
            summary:
              "A day's movements per channel and source, for both recipient types (as the API's mutabakat)",
            params: DayParams,
            response: {
              200: Type.Object({ reportDate: Type.String(), BIREYSEL: ChangeStats, TACIR: ChangeStats }),
              ...errors,
            },
          },
        },
        async (request) =>
          portalConsents.daySummary(
            portalUserOf(request),
            request.params.brandCode,
            request.params.reportDate,
          ),
      );
      company.get(
        '/api/portal/brands/:brandCode/reconciliation/:reportDate/file',
        {
          config: { auditAs: 'reconciliation.file' },
          schema: {
            tags,
            summary: `A day's movement file as CSV for Excel (UTF-8 with BOM; ${MOVEMENT_COLUMNS.join(', ')}); one of the 7 days before today`,
            params: DayParams,
          },
        },
        async (request, reply) => {
          const { brandCode, reportDate } = request.params;
          const rows = await portalConsents.dayFile(portalUserOf(request), brandCode, reportDate);
          const csv = Readable.from(rows).pipe(stringify(csvOptions(MOVEMENT_COLUMNS, { forPeople: true })));
          return reply
            .type('text/csv; charset=utf-8')
            .header(
              'content-disposition',
              `attachment; filename="izin-hareketleri-${brandCode}-${reportDate}.csv"`,
            )
            .send(csv);
        },
      );
    });

    await app.register(async (scope) => {
      const writers = scope.withTypeProvider<TypeBoxTypeProvider>();
      writers.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin', 'operator']));
      writers.post(
        '/api/portal/brands/:brandCode/consents',
        {
          schema: {
            tags,
            summary:
              'Record one consent by hand, as POST /sps/…/consents does (same fields and errors); the number may be written as people write it (0532 123 45 67)',
            params: Type.Object({ brandCode: Type.String() }),
            // Checked field by field by the İYS rules, so that each mistake gets its own İYS code.
            body: Type.Record(Type.String(), Type.Unknown()),
            response: {
              200: Type.Object({ transactionId: Type.String(), creationDate: Type.String() }),
              ...errors,
            },
          },
        },
        async (request) => {
          const recorded = await portalConsents.record(
            portalUserOf(request),
            request.params.brandCode,
            request.body,
          );
          return {
            transactionId: recorded.transactionId,
            creationDate: formatWireDate(recorded.creationDate),
          };
        },
      );
    });
  };
}
