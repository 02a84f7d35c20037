import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { GatewayAccount, GatewayService } from '../../../services/gateway/gateway.service.js';
import { ErrorResponse } from '../consents/schema.js';

declare module 'fastify' {
  interface FastifyRequest {
    gatewayAccount?: GatewayAccount;
  }
}

const CheckResult = Type.Object({
  recipient: Type.Unknown(),
  allowed: Type.Optional(Type.Boolean()),
  reason: Type.Optional(
    Type.Union(['ONAY', 'RET', 'NO_CONSENT', 'TACIR_WITHOUT_RET'].map((r) => Type.Literal(r))),
  ),
  since: Type.Optional(
    Type.String({ description: 'When the deciding record took effect (YYYY-MM-DD HH:mm:ss)' }),
  ),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

/**
 * The gateway check APIs for AHS accounts (HTTP Basic as the real AHS API, or a bearer token). An AHS
 * account can only check: it has no access to any listing, export or provider endpoint.
 */
export function gatewayRoutes(gateway: GatewayService): FastifyPluginAsyncTypebox {
  const accountOf = (request: FastifyRequest) => request.gatewayAccount!;
  return async (app) => {
    const tags = ['Ağ geçidi (gateway)'];
    const security: Array<Record<string, string[]>> = [{ basic: [] }, { bearer: [] }];

    app.get(
      '/gateway/v1/keys',
      {
        schema: {
          tags,
          summary: 'The Ed25519 public keys that sign check receipts (JWKS)',
          response: {
            200: Type.Object({
              keys: Type.Array(
                Type.Object({
                  kty: Type.String(),
                  crv: Type.String(),
                  x: Type.String(),
                  kid: Type.String(),
                  alg: Type.String(),
                  use: Type.String(),
                }),
              ),
            }),
          },
        },
      },
      async () => gateway.keys(),
    );

    await app.register(async (scope) => {
      scope.addHook('preHandler', async (request) => {
        request.gatewayAccount = await gateway.authenticate(request.headers.authorization);
      });

      scope.post(
        '/gateway/v1/check',
        {
          schema: {
            tags,
            security,
            summary:
              'May brand B send channel T to these recipients now? Up to 10,000 per request, with a signed receipt',
            body: Type.Object({
              brandCode: Type.Integer(),
              type: Type.Union([Type.Literal('ARAMA'), Type.Literal('MESAJ'), Type.Literal('EPOSTA')]),
              recipientType: Type.Optional(Type.Union([Type.Literal('BIREYSEL'), Type.Literal('TACIR')])),
              recipients: Type.Array(Type.String(), { maxItems: 10_000 }),
            }),
            response: {
              200: Type.Object({
                brandCode: Type.Integer(),
                type: Type.String(),
                recipientType: Type.Union([Type.String(), Type.Null()]),
                checkedAt: Type.String(),
                results: Type.Array(CheckResult),
                receipt: Type.String({
                  description:
                    'Compact JWS (EdDSA) over account, brand, type, time and hashes of request and results',
                }),
              }),
              '4xx': ErrorResponse,
            },
          },
        },
        async (request) => {
          const { outcome, results, receipt } = await gateway.check(accountOf(request), request.body);
          return {
            brandCode: outcome.brandCode,
            type: outcome.type,
            recipientType: outcome.recipientType,
            checkedAt: formatWireDate(outcome.checkedAt),
            results,
            receipt,
          };
        },
      );

      scope.post(
        '/ahs/brands/:brandCode/consents/:recipientType/rejected/:type',
        {
          schema: {
            tags,
            security,
            summary: 'İYS AHS twin: of up to 1000 recipients, those that must not receive the message',
            params: Type.Object({
              brandCode: Type.String(),
              recipientType: Type.String(),
              type: Type.String(),
            }),
            body: Type.Object({ recipients: Type.Array(Type.String(), { maxItems: 1000 }) }),
            response: {
              200: Type.Object({ list: Type.Array(Type.Unknown()), receipt: Type.String() }),
              '4xx': ErrorResponse,
            },
          },
        },
        async (request) => {
          const { brandCode, recipientType, type } = request.params as {
            brandCode: string;
            recipientType: string;
            type: string;
          };
          return gateway.rejected(accountOf(request), brandCode, recipientType, type, request.body);
        },
      );
    });
  };
}
