import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CitizenReceiptsService } from '../../../services/citizen-receipts.service.js';
import { ErrorResponse } from '../consents/schema.js';
import { CitizenReceipt } from './schema.js';

/**
 * The receipts behind a link `/makbuz/<token>` (a refusal's confirmation carries one): no sign-in, the
 * signed token is the authority, and the answer holds no plaintext address.
 */
export function receiptRoutes(receipts: CitizenReceiptsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/receipts/:token',
      {
        schema: {
          tags: ['Makbuz (receipt)'],
          summary: 'The transparency-log receipts (and consent records) a receipt link names',
          params: Type.Object({ token: Type.String() }),
          response: {
            200: Type.Object({
              receipts: Type.Array(CitizenReceipt),
              pending: Type.Integer({
                description: 'movements not yet in a signed head: ask again in a second',
              }),
            }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) => receipts.byLink(request.params.token),
    );
  };
}
