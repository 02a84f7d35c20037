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
                    'JWS~claims~proof: the claims (account, brand, type, time, hashes of request and results) ' +
                    'and their Merkle audit path to a batch root signed as a compact JWS (EdDSA)',
                }),
              }),
              '4xx': ErrorResponse,
            },
          },
        },
        async (request, reply) => {
          const { outcome, resultsJson, receipt } = await gateway.check(accountOf(request), request.body);
          // Written out here so the results go on the wire as the very text the receipt hashed.
          return reply
            .type('application/json; charset=utf-8')
            .send(
              `{"brandCode":${outcome.brandCode},"type":${JSON.stringify(outcome.type)},` +
                `"recipientType":${JSON.stringify(outcome.recipientType)},` +
                `"checkedAt":"${formatWireDate(outcome.checkedAt)}","results":${resultsJson},` +
                `"receipt":"${receipt}"}`,
            );
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
        async (request, reply) => {
          const { brandCode, recipientType, type } = request.params as {
            brandCode: string;
            recipientType: string;
            type: string;
          };
          const { listJson, receipt } = await gateway.rejected(
            accountOf(request),
            brandCode,
            recipientType,
            type,
            request.body,
          );
          return reply
            .type('application/json; charset=utf-8')
            .send(`{"list":${listJson},"receipt":"${receipt}"}`);
        },
      );
    });
  };
}
