import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { CitizenReceiptsService } from '../../../services/citizen-receipts.service.js';
import type { ShortLinkService } from '../../../services/short-link.service.js';
import { ErrorResponse } from '../consents/schema.js';

const Params = Type.Object({ token: Type.String() });

/** The API behind the one-tap opt-out page `/r/<token>` (no sign-in: the signed token is the authority). */
export function shortLinkRoutes(deps: {
  shortLinks: ShortLinkService;
  citizenReceipts: CitizenReceiptsService;
}): FastifyPluginAsyncTypebox {
  const { shortLinks, citizenReceipts } = deps;
  return async (app) => {
    const tags = ['Kısa bağlantı (short link)'];
    app.get(
      '/api/short-links/:token',
      {
        schema: {
          tags,
          summary: 'The consents a notice link was sent for, and whether each can still be refused',
          params: Params,
          response: {
            200: Type.Object({
              address: Type.String({ description: 'Masked' }),
              items: Type.Array(
                Type.Object({
                  eventId: Type.String(),
                  brandName: Type.String(),
                  company: Type.String(),
                  recipientType: Type.String(),
                  type: Type.String(),
                  status: Type.String(),
                  consentDate: Type.String(),
                  canReject: Type.Boolean(),
                }),
              ),
            }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) => {
        const resolved = await shortLinks.resolve(request.params.token);
        return {
          address: resolved.address,
          items: resolved.items.map((i) => ({ ...i, consentDate: formatWireDate(i.consentDate) })),
        };
      },
    );

    app.post(
      '/api/short-links/:token/reject',
      {
        schema: {
          tags,
          summary:
            'Refuse one of them (RET, source IYS_KISA_LINK); answers the link to the withdrawal receipt',
          params: Params,
          body: Type.Object({ eventId: Type.String() }),
          response: { 200: Type.Object({ receiptUrl: Type.String() }), '4xx': ErrorResponse },
        },
      },
      async (request) => {
        const refusal = await shortLinks.reject(
          request.params.token,
          (request.body as { eventId?: unknown } | undefined)?.eventId,
        );
        return { receiptUrl: citizenReceipts.linkFor([refusal]) };
      },
    );
  };
}
