import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { AuthService } from '../../../services/auth.service.js';
import type { IysYoluService } from '../../../services/iys-yolu.service.js';
import type { TenancyService } from '../../../services/tenancy.service.js';
import { ownerOf, requireBearer } from '../../auth/bearer.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { brandScopeOf } from '../../auth/brand-scope.js';
import { ErrorResponse } from '../consents/schema.js';

/** İYS Yolu (§3.8): a consent collected through the registry with a one-time code. */
export function iysYoluRoutes(deps: {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  tenancy: TenancyService;
  iysYolu: IysYoluService;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireBearer(deps.auth, deps.apiRequestLimiter));
    const errors = { '4xx': ErrorResponse };
    for (const spelling of ['consents', 'consent']) {
      const base = `/sps/:iysCode/brands/:brandCode/${spelling}`;
      const common = {
        tags: ['İYS Yolu'],
        security: [{ bearer: [] as string[] }],
        hide: spelling !== 'consents',
      };
      app.post(
        `${base}/overIys`,
        {
          schema: {
            ...common,
            summary: 'Start: the registry sends the recipient a one-time code (startProcess)',
            body: Type.Object({
              recipient: Type.String(),
              recipientType: Type.String(),
              type: Type.Array(Type.String()),
              source: Type.String({
                description: 'IYS_CM or IYS_KISAMESAJ for ARAMA/MESAJ, IYS_EPOSTA for EPOSTA',
              }),
            }),
            response: { 200: Type.Object({ requestId: Type.String() }), ...errors },
          },
        },
        async (request) =>
          deps.iysYolu.start(
            await brandScopeOf(deps.tenancy, request),
            ownerOf(request).apiUserId,
            request.body,
          ),
      );
      app.post(
        `${base}/verificationCode`,
        {
          schema: {
            ...common,
            summary:
              'Complete with the code the person gave you: an ONAY per channel is recorded (endProcess)',
            body: Type.Object({ requestId: Type.String(), verificationCode: Type.String() }),
          },
        },
        async (request) => {
          const done = await deps.iysYolu.complete(await brandScopeOf(deps.tenancy, request), request.body);
          return {
            requestId: done.requestId,
            transactionId: done.transactionId,
            creationDate: formatWireDate(done.creationDate),
            list: done.list.map((c) => ({ ...c, creationDate: formatWireDate(c.creationDate) })),
            ...(done.errors.length > 0 ? { errors: done.errors } : {}),
          };
        },
      );
    }
  };
}
