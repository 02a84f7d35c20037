import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sameSecret } from '../../../crypto/secret-hash.js';
import { IysRequestError } from '../../../domain/iys-errors.js';
import type { InboundSmsService } from '../../../services/inbound-sms.service.js';
import { ErrorResponse } from '../consents/schema.js';

/** `POST /inbound/sms`: texts citizens send to the registry's number, relayed by the SMS operator. */
export function inboundSmsRoutes(deps: {
  inboundSms: InboundSmsService;
  secret: string | undefined;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/inbound/sms',
      {
        schema: {
          tags: ['SMS'],
          summary:
            'An SMS from a citizen (RET <brand code|name>, RET); authenticated with the shared secret in x-openiys-secret',
          body: Type.Object({
            from: Type.String({ examples: ['+905321234567'] }),
            text: Type.String({ examples: ['RET 700010'] }),
          }),
          response: {
            200: Type.Object({ action: Type.String(), reply: Type.String() }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) => {
        if (!deps.secret || !sameSecret(request.headers['x-openiys-secret'], deps.secret))
          throw IysRequestError.of('H924');
        const { from, text } = (request.body ?? {}) as { from?: unknown; text?: unknown };
        return deps.inboundSms.handle(from, text);
      },
    );
  };
}
