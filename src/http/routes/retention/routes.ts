import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import archiver from 'archiver';
import { stringify } from 'csv-stringify/sync';
import { evidenceFileName } from '../../../domain/evidence-file.js';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { ProviderRepository } from '../../../repositories/provider.repository.js';
import type { CitizenService } from '../../../services/citizen.service.js';
import type { PortalAccountService } from '../../../services/portal-account.service.js';
import type { RegulatorService } from '../../../services/regulator.service.js';
import type { RetentionService } from '../../../services/retention.service.js';
import { citizenOf, requireCitizen } from '../../auth/citizen-session.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { requireStaff, staffOf } from '../../auth/staff.js';
import { ErrorResponse } from '../consents/schema.js';

/**
 * Retention and erasure on each side: a citizen erases an address, a company downloads its evidence
 * archive before it is purged, the regulator sees the retention runs and their settings.
 */
export function retentionRoutes(deps: {
  citizens: CitizenService;
  portalAccounts: PortalAccountService;
  providers: ProviderRepository;
  regulator: RegulatorService;
  retention: RetentionService;
}): FastifyPluginAsyncTypebox {
  const { retention } = deps;
  return async (app) => {
    const errors = { '4xx': ErrorResponse };

    await app.register(async (scope) => {
      const citizen = scope.withTypeProvider<TypeBoxTypeProvider>();
      citizen.addHook('preHandler', requireCitizen(deps.citizens));
      citizen.post(
        '/api/citizen/addresses/:addressId/erase',
        {
          schema: {
            tags: ['Vatandaş (citizen)'],
            summary:
              'Erase an address holding no ONAY (KVKK): links, codes and messages now; refusals when their period ends',
            params: Type.Object({ addressId: Type.String() }),
            response: {
              200: Type.Object({
                erased: Type.Boolean({ description: 'the address itself is gone from the registry' }),
                keptUntil: Type.Union([Type.String(), Type.Null()], {
                  description: 'until when its refusals (and so the encrypted address) are kept by law',
                }),
              }),
              ...errors,
            },
          },
        },
        async (request) => {
          const own = (await deps.citizens.listAddresses(citizenOf(request).citizenId)).find(
            (a) => a.id === request.params.addressId,
          );
          if (!own) throw IysRequestError.of('H918', { location: ['addressId'] });
          const result = await retention.erase(Buffer.from(own.id, 'hex'));
          return {
            erased: result.erased,
            keptUntil: result.keptUntil ? formatWireDate(result.keptUntil) : null,
          };
        },
      );
    });

    await app.register(async (scope) => {
      const admins = scope.withTypeProvider<TypeBoxTypeProvider>();
      admins.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin']));
      admins.get(
        '/api/portal/evidence-archive',
        {
          config: { auditAs: 'evidence.archive' },
          schema: {
            tags: ['Firma portalı (provider portal)'],
            summary:
              'The company’s evidence as a ZIP: every file and a manifest (digest, consent status, purge date)',
          },
        },
        async (request, reply) => {
          const brandIds = await deps.providers.listBrandIds(portalUserOf(request).providerId);
          const zip = archiver('zip', { zlib: { level: 6 } });
          void (async () => {
            const manifest: unknown[][] = [
              [
                'file',
                'brandCode',
                'transactionId',
                'mediaType',
                'bytes',
                'sha256',
                'attachedAt',
                'consentStatus',
                'purgeAfter',
              ],
            ];
            try {
              for await (const piece of retention.archive(brandIds)) {
                const name = evidenceFileName(piece.id, piece.mediaType);
                zip.append(piece.data, { name });
                manifest.push([
                  name,
                  piece.brandCode,
                  piece.transactionId,
                  piece.mediaType,
                  piece.bytes,
                  piece.sha256,
                  formatWireDate(piece.attachedAt),
                  piece.consentStatus ?? '',
                  piece.purgeAfter ? formatWireDate(piece.purgeAfter).slice(0, 10) : '',
                ]);
              }
              zip.append(stringify(manifest), { name: 'manifest.csv' });
              await zip.finalize();
            } catch (error) {
              request.log.error({ err: error }, 'evidence archive failed');
              zip.abort();
            }
          })();
          return reply
            .type('application/zip')
            .header('content-disposition', 'attachment; filename="kanit-arsivi.zip"')
            .send(zip);
        },
      );
    });

    await app.register(async (scope) => {
      scope.addHook('preHandler', requireStaff(deps.regulator));
      scope.get(
        '/api/regulator/retention',
        {
          schema: {
            tags: ['Düzenleyici (regulator)'],
            security: [{ bearer: [] }],
            summary: 'The retention settings and the counts of the latest runs (no personal data)',
            response: {
              200: Type.Object({
                refusalDays: Type.Integer(),
                operationalDays: Type.Integer(),
                runs: Type.Array(
                  Type.Object({
                    ranAt: Type.String(),
                    kind: Type.String(),
                    brandId: Type.Union([Type.Integer(), Type.Null()]),
                    rows: Type.Integer(),
                  }),
                ),
              }),
              ...errors,
            },
          },
        },
        async (request) => {
          await deps.regulator.record(staffOf(request), 'retention.view', 'retention', {});
          return {
            ...retention.settings,
            runs: (await retention.latestRuns()).map((r) => ({
              ranAt: formatWireDate(r.ran_at),
              kind: r.kind,
              brandId: r.brand_id,
              rows: r.rows,
            })),
          };
        },
      );
    });
  };
}
