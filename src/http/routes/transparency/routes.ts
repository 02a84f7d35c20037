import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import { csvOptions } from '../../spreadsheet.js';
import { PROVINCES } from '../../../domain/provinces.js';
import { FIGURES_PERIOD_MS, type TransparencyService } from '../../../services/transparency.service.js';

const Nullable = (schema: ReturnType<typeof Type.Number>) => Type.Union([schema, Type.Null()]);
const ProviderRow = Type.Object({
  iysCode: Type.Integer(),
  title: Type.String(),
  consents: Type.Integer(),
  optOutRate: Nullable(Type.Number({ description: 'share of consents that are RET' })),
  upheldComplaintsPer10k: Nullable(Type.Number()),
  optOutsDue: Type.Integer({ description: 'citizen opt-outs at least a day old' }),
  optOutsReachedWithinADay: Nullable(
    Type.Number({ description: 'share of them the provider pulled within a day' }),
  ),
});

/** The figures are recomputed once a period: a shared cache may keep them as long. */
const FIGURES_CACHE_CONTROL = `public, max-age=${FIGURES_PERIOD_MS / 1000}`;

/** Open data: per-provider figures, no personal data, no sign-in. */
export function transparencyRoutes(transparency: TransparencyService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Şeffaflık (transparency)'];
    app.get(
      '/api/public/transparency',
      {
        schema: {
          tags,
          summary: 'How each provider treats consent',
          response: { 200: Type.Array(ProviderRow) },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', FIGURES_CACHE_CONTROL);
        return transparency.providers();
      },
    );
    app.get(
      '/api/public/provinces',
      {
        schema: {
          tags,
          summary: "Türkiye's 81 provinces by plate code",
          response: { 200: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })) },
        },
      },
      async () => [...PROVINCES],
    );

    app.get(
      '/api/public/transparency.csv',
      { schema: { tags, summary: 'The same figures as CSV (open data)' } },
      async (_request, reply) => {
        const rows = await transparency.providers();
        const columns = [
          'iysCode',
          'title',
          'consents',
          'optOutRate',
          'upheldComplaintsPer10k',
          'optOutsDue',
          'optOutsReachedWithinADay',
        ];
        return reply
          .type('text/csv; charset=utf-8')
          .header('cache-control', FIGURES_CACHE_CONTROL)
          .header('content-disposition', 'attachment; filename="openiys-seffaflik.csv"')
          .send(stringify(rows, csvOptions(columns, { forPeople: true })));
      },
    );
  };
}
