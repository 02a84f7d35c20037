import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IysRequestError } from '../../../domain/iys-errors.js';
import type { RegulatorKeyService } from '../../../services/regulator-key.service.js';
import type { ComplaintService } from '../../../services/complaint.service.js';
import { presentComplaint } from '../citizen/present.js';
import { Complaint } from '../citizen/schema.js';
import { ErrorResponse } from '../consents/schema.js';

/** The regulator's JSON API (its console comes later): complaints with the evidence behind them. */
export function regulatorRoutes(deps: {
  complaints: ComplaintService;
  keys: RegulatorKeyService;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', async (request) => {
      const match = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      const holder = match ? await deps.keys.authenticate(match[1]!) : undefined;
      if (!holder) throw IysRequestError.of('H351');
    });

    app.get(
      '/api/regulator/complaints',
      {
        schema: {
          tags: ['Düzenleyici (regulator)'],
          summary: 'Complaints, newest first, filterable by brand, provider, verdict and status',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            brandCode: Type.Optional(Type.String()),
            iysCode: Type.Optional(Type.String()),
            verdict: Type.Optional(Type.String()),
            status: Type.Optional(Type.String()),
            limit: Type.Optional(Type.String({ description: '1–100, default 50' })),
            offset: Type.Optional(Type.String()),
          }),
          response: { 200: Type.Array(Complaint), '4xx': ErrorResponse },
        },
      },
      async (request) => {
        const { limit, offset, ...filter } = request.query;
        const list = await deps.complaints.listForRegulator(filter, { limit, offset });
        return list.map(presentComplaint);
      },
    );
  };
}
