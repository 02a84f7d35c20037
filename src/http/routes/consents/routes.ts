import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { AuthService } from '../../../services/auth.service.js';
import type { BulkService } from '../../../services/bulk.service.js';
import type { ConsentService } from '../../../services/consent.service.js';
import { allowedChannels, type BrandScope, type TenancyService } from '../../../services/tenancy.service.js';
import type { TransparencyLogService } from '../../../services/transparency-log.service.js';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { LogReceipt } from '../transparency-log/schema.js';
import { ownerOf, requireBearer } from '../../auth/bearer.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { brandScopeOf } from '../../auth/brand-scope.js';
import { presentChange, presentConsent } from './present.js';
import {
  AddConsentResponse,
  BulkAcceptedResponse,
  BulkConsentBody,
  BulkResultResponse,
  BulkResultResponseV2,
  ChangesQuery,
  ChangesResponse,
  ConsentBody,
  ConsentResponse,
  ErrorResponse,
  MultipleStatusBody,
  MultipleStatusResponse,
  StatusQueryBody,
} from './schema.js';

/** A JSON body kept as text, for a route that parses it elsewhere. */
class JsonText {
  constructor(readonly json: string) {}
}

export interface ConsentRouteDeps {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  tenancy: TenancyService;
  consents: ConsentService;
  bulk: BulkService;
  transparencyLog: TransparencyLogService;
}

const BrandParams = Type.Object({ iysCode: Type.String(), brandCode: Type.String() });
/** Clients spell the resource both ways (iys-api.md §8); every route answers on each. */
const SPELLINGS = ['consents', 'consent'] as const;

export function consentRoutes(deps: ConsentRouteDeps): FastifyPluginAsyncTypebox {
  const scopeOf = (request: FastifyRequest): Promise<BrandScope> => brandScopeOf(deps.tenancy, request);

  return async (app) => {
    app.addHook('preHandler', requireBearer(deps.auth, deps.apiRequestLimiter));
    const common = { tags: ['İzin'], security: [{ bearer: [] }] };

    // The bulk bodies are parsed, validated and sealed on the accept threads (services/bulk-accept), not on
    // the event loop: in this scope the JSON parser only keeps the text.
    await app.register(async (bulk) => {
      bulk.removeContentTypeParser('application/json');
      bulk.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) =>
        done(null, new JsonText(text as string)),
      );
      for (const spelling of SPELLINGS)
        for (const version of ['', '/v2'] as const) {
          const v2 = version === '/v2';
          bulk.post(
            `${version}/sps/:iysCode/brands/:brandCode/${spelling}/request`,
            {
              schema: {
                ...common,
                hide: spelling !== 'consents',
                summary: `Add up to 1000 consents asynchronously (asenkron çoklu izin ekleme)${v2 ? ', v2' : ''}`,
                params: BrandParams,
                body: BulkConsentBody,
                response: { 200: BulkAcceptedResponse, '4xx': ErrorResponse },
              },
            },
            async (request, reply) => {
              // What another content type (or none) gave is not a JSON array: H092, as for any non-array.
              const body: unknown = request.body;
              if (!(body instanceof JsonText)) throw IysRequestError.of('H092', { value: typeof body });
              const accepted = await deps.bulk.acceptBulk(
                await scopeOf(request),
                ownerOf(request).apiUserId,
                body.json,
                { viaV2: v2 },
              );
              return reply.type('application/json; charset=utf-8').send(accepted.answerJson);
            },
          );
        }
    });

    for (const spelling of SPELLINGS) {
      const base = `/sps/:iysCode/brands/:brandCode/${spelling}`;
      const hide = spelling !== 'consents';

      // The v2 consent service (iys-api.md §3.3.4): the same bodies and answers, and a result whose items
      // say whether the request came through v2.
      for (const version of ['', '/v2'] as const) {
        const v2 = version === '/v2';
        const versioned = `${version}${base}`;

        app.post(
          versioned,
          {
            schema: {
              ...common,
              hide,
              summary: `Add one consent (tekil izin ekleme)${v2 ? ', v2' : ''}`,
              params: BrandParams,
              body: ConsentBody,
              response: { 200: AddConsentResponse, '4xx': ErrorResponse },
            },
          },
          async (request) => {
            const owner = ownerOf(request);
            const result = await deps.consents.addConsent(
              await scopeOf(request),
              { kind: 'provider', id: String(owner.apiUserId) },
              request.body,
            );
            return { transactionId: result.transactionId, creationDate: formatWireDate(result.creationDate) };
          },
        );
      }

      const resultParams = Type.Object({
        iysCode: Type.String(),
        brandCode: Type.String(),
        requestId: Type.String(),
      });
      /** A bulk request's items, each with the fields both versions share. */
      const resultItems = async (request: FastifyRequest, params: Static<typeof resultParams>) => {
        const result = await deps.bulk.getBulkResults(await scopeOf(request), params.requestId);
        // A request's items share a few moments (its acceptance, each lane's commit): each is formatted once.
        const formatted = new Map<number, string>();
        const wireDate = (date: Date) => {
          let text = formatted.get(date.getTime());
          if (text === undefined) formatted.set(date.getTime(), (text = formatWireDate(date)));
          return text;
        };
        return {
          viaV2: result.viaV2,
          items: result.items.map((item) => ({
            index: item.index,
            status: item.status,
            requestId: result.requestId,
            // Absent fields stay undefined, which the response serialiser leaves out as it did the keys.
            transactionId: item.transactionId || undefined,
            creationDate: item.creationDate && wireDate(item.creationDate),
            error: item.error,
            subrequestId: item.subrequestId,
          })),
        };
      };

      app.get(
        `${base}/request/:requestId`,
        {
          schema: {
            ...common,
            hide,
            summary: 'Result of an asynchronous bulk request, item by item',
            params: resultParams,
            response: { 200: BulkResultResponse, '4xx': ErrorResponse },
          },
        },
        async (request) => (await resultItems(request, request.params)).items,
      );

      app.get(
        `/v2${base}/request/:requestId`,
        {
          schema: {
            ...common,
            hide,
            summary: 'Result of an asynchronous bulk request, v2 item shape',
            params: resultParams,
            response: { 200: BulkResultResponseV2, '4xx': ErrorResponse },
          },
        },
        async (request) => {
          const { viaV2, items } = await resultItems(request, request.params);
          // v2 spells the key as its result model does (QueryMultipleConsentResultV2).
          return items.map((item) => ({
            index: item.index,
            status: item.status,
            requestId: item.requestId,
            transactionId: item.transactionId,
            creationDate: item.creationDate,
            error: item.error,
            subRequestId: item.subrequestId,
            isAddConsentV2Service: viaV2,
          }));
        },
      );

      app.get(
        `${base}/receipt/:transactionId`,
        {
          schema: {
            ...common,
            hide,
            summary: 'Transparency-log receipt of one recorded consent (202 until a signed head holds it)',
            params: Type.Object({
              iysCode: Type.String(),
              brandCode: Type.String(),
              transactionId: Type.String(),
            }),
            response: { 200: LogReceipt, 202: Type.Object({}), '4xx': ErrorResponse },
          },
        },
        async (request, reply) => {
          const scope = await scopeOf(request);
          const { transactionId } = request.params;
          const answer = await deps.transparencyLog.receiptForTransaction(transactionId, scope.brand.id);
          // An integrator sees only its channels' events; the others do not exist for it.
          if (!answer || !allowedChannels(scope).some((type) => type === answer.event.type))
            throw IysRequestError.of('H989', { location: ['transactionId'], value: transactionId });
          if (!answer.ready) {
            return reply.code(202).header('retry-after', String(answer.retryAfterSeconds)).send({});
          }
          return answer.receipt;
        },
      );

      app.post(
        `${base}/status`,
        {
          schema: {
            ...common,
            hide,
            summary: 'Status of one consent (tekil izin durumu sorgulama)',
            params: BrandParams,
            body: StatusQueryBody,
            response: { 200: ConsentResponse, '4xx': ErrorResponse },
          },
        },
        async (request) =>
          presentConsent(await deps.consents.getConsentStatus(await scopeOf(request), request.body)),
      );

      app.post(
        `${base}/:recipientType/status/:type`,
        {
          schema: {
            ...common,
            hide,
            summary: 'Which of up to 1000 recipients hold ONAY (çoklu izin durumu sorgulama)',
            params: Type.Object({
              iysCode: Type.String(),
              brandCode: Type.String(),
              recipientType: Type.String(),
              type: Type.String(),
            }),
            body: MultipleStatusBody,
            response: { 200: MultipleStatusResponse, '4xx': ErrorResponse },
          },
        },
        async (request) => {
          const scope = await scopeOf(request);
          const { recipientType, type } = request.params;
          return {
            list: await deps.consents.listApprovedRecipients(scope, recipientType, type, request.body),
          };
        },
      );

      app.get(
        `${base}/changes`,
        {
          schema: {
            ...common,
            hide,
            summary: 'Consent movements of the last 7 days, paged by cursor (pull)',
            params: BrandParams,
            querystring: ChangesQuery,
            response: { 200: ChangesResponse, '4xx': ErrorResponse },
          },
        },
        async (request) => {
          const page = await deps.consents.listChanges(await scopeOf(request), request.query);
          return { after: page.after, list: page.list.map(presentChange) };
        },
      );
    }
  };
}
