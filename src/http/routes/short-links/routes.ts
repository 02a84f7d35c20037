import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { ShortLinkService } from '../../../services/short-link.service.js';
import { ErrorResponse } from '../consents/schema.js';

const Params = Type.Object({ token: Type.String() });

/** The API behind the one-tap opt-out page `/r/<token>` (no sign-in: the signed token is the authority). */
export function shortLinkRoutes(shortLinks: ShortLinkService): FastifyPluginAsyncTypebox {
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
          summary: 'Refuse one of them (RET, source IYS_KISA_LINK)',
          params: Params,
          body: Type.Object({ eventId: Type.String() }),
        },
      },
      async (request, reply) => {
        await shortLinks.reject(
          request.params.token,
          (request.body as { eventId?: unknown } | undefined)?.eventId,
        );
        return reply.code(204).send();
      },
    );
  };
}
