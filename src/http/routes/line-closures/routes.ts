import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { isUuid } from '../../../domain/uuid.js';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { GatewayService } from '../../../services/gateway/gateway.service.js';
import { MAX_CLOSURES_PER_REQUEST, type LineClosureService } from '../../../services/line-closure.service.js';
import type { RegulatorService } from '../../../services/regulator.service.js';
import { requireStaff, staffOf } from '../../auth/staff.js';
import { ErrorResponse } from '../consents/schema.js';

/** A day's file of a national operator: ~35 bytes a row, so about 1.8 million closures. */
export const CLOSURE_FILE_MAX_BYTES = 64 * 1024 * 1024;

const RowError = Type.Object({ row: Type.Integer(), code: Type.String(), message: Type.String() });
const Receipt = {
  batchId: Type.String(),
  received: Type.Integer({ description: 'rows read' }),
  new: Type.Integer({ description: 'closures not known before (the same closure twice counts once)' }),
  failed: Type.Integer(),
  errors: Type.Array(RowError, { description: 'the first 100 rows refused' }),
};
const Batch = Type.Object({
  ...Receipt,
  operator: Type.String(),
  kind: Type.String(),
  receivedAt: Type.String(),
  applied: Type.Integer(),
  consentsClosed: Type.Integer(),
  status: Type.Union([Type.Literal('processing'), Type.Literal('completed')]),
});
type BatchView = Awaited<ReturnType<LineClosureService['batch']>>;
const presentBatch = (b: BatchView) => ({ ...b, receivedAt: formatWireDate(b.receivedAt) });

const batchIdOf = (id: string) => {
  if (!isUuid(id)) throw IysRequestError.of('H904', { location: ['batchId'], value: id });
  return id;
};

/**
 * Operators report closed lines (an AHS account the registry allowed to, see `gateway add --closes-lines`):
 * up to 1000 at once, applied before the answer, or a day's CSV/XLSX file, applied in the background.
 */
export function lineClosureRoutes(deps: {
  gateway: GatewayService;
  lineClosures: LineClosureService;
}): FastifyPluginAsyncTypebox {
  const { gateway, lineClosures } = deps;
  return async (app) => {
    const tags = ['Hat kapatma (line closures)'];
    const security: Array<Record<string, string[]>> = [{ basic: [] }, { bearer: [] }];
    app.addHook('preHandler', async (request) => {
      request.gatewayAccount = await gateway.authenticate(request.headers.authorization);
    });
    app.addContentTypeParser(
      [
        'text/csv',
        'application/octet-stream',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ],
      { parseAs: 'buffer', bodyLimit: CLOSURE_FILE_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );

    app.post(
      '/gateway/v1/line-closures',
      {
        schema: {
          tags,
          security,
          summary: `Report up to ${MAX_CLOSURES_PER_REQUEST} closed lines; their ONAYs end before the answer`,
          body: Type.Object({
            closures: Type.Array(
              Type.Object({
                recipient: Type.String({ description: 'the closed mobile number, E.164 or 05xx…' }),
                closedAt: Type.String({ description: 'YYYY-MM-DD (the whole day) or YYYY-MM-DD HH:mm:ss' }),
              }),
              { maxItems: MAX_CLOSURES_PER_REQUEST },
            ),
          }),
          response: {
            200: Type.Object({ ...Receipt, consentsClosed: Type.Integer() }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) => {
        const body = request.body as { closures?: unknown } | null;
        const closures = body?.closures;
        if (!Array.isArray(closures))
          throw IysRequestError.of('H923', { location: ['closures'], value: closures ?? null });
        if (closures.length > MAX_CLOSURES_PER_REQUEST)
          throw IysRequestError.of('H923', { location: ['closures'], value: closures.length });
        const items = closures.map((c: unknown) => (c !== null && typeof c === 'object' ? c : {}));
        return lineClosures.report(request.gatewayAccount!, items);
      },
    );

    app.post(
      '/gateway/v1/line-closures/files',
      {
        schema: {
          tags,
          security,
          summary:
            'A day’s closures as a CSV (or XLSX) file with `recipient` and `closedAt` columns; applied in the background',
          consumes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          response: {
            202: Type.Object({ ...Receipt, repeated: Type.Boolean() }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw IysRequestError.of('H905');
        const receipt = await lineClosures.receiveFile(request.gatewayAccount!, request.body);
        return reply.code(202).send(receipt);
      },
    );

    app.get(
      '/gateway/v1/line-closures/:batchId',
      {
        schema: {
          tags,
          security,
          summary: 'A report’s progress: closures applied and ONAYs ended',
          params: Type.Object({ batchId: Type.String() }),
          response: { 200: Batch, '4xx': ErrorResponse },
        },
      },
      async (request) => {
        const { batchId } = request.params as { batchId: string };
        return presentBatch(await lineClosures.batch(request.gatewayAccount!, batchIdOf(batchId)));
      },
    );
  };
}

/** The console's view of every operator's reports. */
export function regulatorLineClosureRoutes(deps: {
  regulator: RegulatorService;
  lineClosures: LineClosureService;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireStaff(deps.regulator));
    app.get(
      '/api/regulator/line-closures',
      {
        schema: {
          tags: ['Düzenleyici (regulator)'],
          security: [{ bearer: [] }],
          summary: 'The latest 50 line-closure reports of every operator, with their progress',
          response: { 200: Type.Array(Batch), '4xx': ErrorResponse },
        },
      },
      async (request) => {
        const batches = await deps.lineClosures.recentBatches();
        await deps.regulator.record(staffOf(request), 'line-closures.list', 'line-closures', {
          count: batches.length,
        });
        return batches.map(presentBatch);
      },
    );
  };
}
