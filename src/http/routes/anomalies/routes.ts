import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { AnomalyService } from '../../../services/anomaly.service.js';
import type { RegulatorService } from '../../../services/regulator.service.js';
import { requireStaff, staffOf } from '../../auth/staff.js';
import { ErrorResponse } from '../consents/schema.js';

/** The console's list of suspicious submissions (see anomaly.service.ts). */
export function anomalyRoutes(deps: {
  regulator: RegulatorService;
  anomalies: AnomalyService;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireStaff(deps.regulator));
    app.get(
      '/api/regulator/anomalies',
      {
        schema: {
          tags: ['Düzenleyici (regulator)'],
          security: [{ bearer: [] }],
          summary:
            'Suspicious submissions, newest first: brand, sender, hour, rule and the figures behind it',
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                brandCode: Type.Integer(),
                brandName: Type.String(),
                iysCode: Type.Integer(),
                company: Type.String(),
                sender: Type.String({ description: 'the API user (its id) or portal user (portal:<id>)' }),
                windowStart: Type.String(),
                rule: Type.String(),
                details: Type.Record(Type.String(), Type.Number()),
                flaggedAt: Type.String(),
              }),
            ),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) => {
        const flags = await deps.anomalies.flags();
        await deps.regulator.record(staffOf(request), 'anomalies.list', 'anomalies', { count: flags.length });
        return flags.map((f) => ({
          ...f,
          windowStart: formatWireDate(f.windowStart),
          flaggedAt: formatWireDate(f.flaggedAt),
        }));
      },
    );
  };
}
