import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import { csvOptions } from '../../spreadsheet.js';
import type { FastifyRequest } from 'fastify';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { CitizenReceiptsService } from '../../../services/citizen-receipts.service.js';
import { CitizenReceipt } from '../receipts/schema.js';
import type { CitizenService } from '../../../services/citizen.service.js';
import type { ComplaintService } from '../../../services/complaint.service.js';
import {
  citizenOf,
  clearSessionCookie,
  requireCitizen,
  SESSION_COOKIE,
  setSessionCookie,
} from '../../auth/citizen-session.js';
import { ErrorResponse } from '../consents/schema.js';
import { presentComplaint } from './present.js';
import {
  Address,
  ChangeBody,
  ConsentsResponse,
  HistoryEntry,
  RejectAllBody,
  SessionResponse,
  StartVerificationBody,
  VerificationStarted,
  VerifyBody,
} from './schema.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
const presentAddress = (a: { id: string; address: string; kind: 'phone' | 'email'; verifiedAt: Date }) => ({
  ...a,
  verifiedAt: formatWireDate(a.verifiedAt),
});

export function citizenRoutes(deps: {
  citizens: CitizenService;
  citizenReceipts: CitizenReceiptsService;
  complaints: ComplaintService;
  secureCookies: boolean;
}): FastifyPluginAsyncTypebox {
  const { citizens, complaints } = deps;
  return async (app) => {
    const tags = ['Vatandaş (citizen)'];
    const errors = { '4xx': ErrorResponse };

    app.post(
      '/api/citizen/sign-in',
      {
        schema: {
          tags,
          summary: 'Send a one-time code to a phone or e-mail address',
          body: StartVerificationBody,
          response: { 200: VerificationStarted, ...errors },
        },
      },
      async (request) => {
        const started = await citizens.startSignIn(body(request).address, request.ip);
        return { challengeId: started.challengeId, expiresAt: formatWireDate(started.expiresAt) };
      },
    );

    app.post(
      '/api/citizen/sign-in/verify',
      {
        schema: {
          tags,
          summary: 'Complete sign-in with the code; sets the session cookie',
          body: VerifyBody,
          response: { 200: SessionResponse, ...errors },
        },
      },
      async (request, reply) => {
        const session = await citizens.completeSignIn(body(request).challengeId, body(request).code);
        setSessionCookie(reply, session.sessionToken, deps.secureCookies);
        const addresses = await citizens.listAddresses(session.citizenId);
        return { csrfToken: session.csrfToken, addresses: addresses.map(presentAddress) };
      },
    );

    await app.register(async (scope) => {
      const signedIn = scope.withTypeProvider<TypeBoxTypeProvider>();
      signedIn.addHook('preHandler', requireCitizen(citizens));

      signedIn.get(
        '/api/citizen/session',
        { schema: { tags, summary: 'The current session', response: { 200: SessionResponse, ...errors } } },
        async (request) => {
          const { citizenId, csrfToken } = citizenOf(request);
          return { csrfToken, addresses: (await citizens.listAddresses(citizenId)).map(presentAddress) };
        },
      );

      signedIn.post(
        '/api/citizen/sign-out',
        { schema: { tags, summary: 'End the session' } },
        async (request, reply) => {
          await citizens.signOut(request.cookies[SESSION_COOKIE]!);
          clearSessionCookie(reply);
          return reply.code(204).send();
        },
      );

      signedIn.post(
        '/api/citizen/addresses',
        {
          schema: {
            tags,
            summary: 'Add an address: sends it a one-time code',
            body: StartVerificationBody,
            response: { 200: VerificationStarted, ...errors },
          },
        },
        async (request) => {
          const started = await citizens.startAddAddress(
            citizenOf(request).citizenId,
            body(request).address,
            request.ip,
          );
          return { challengeId: started.challengeId, expiresAt: formatWireDate(started.expiresAt) };
        },
      );

      signedIn.post(
        '/api/citizen/addresses/verify',
        {
          schema: {
            tags,
            summary: 'Confirm an added address with its code',
            body: VerifyBody,
            response: { 200: Address, ...errors },
          },
        },
        async (request) =>
          presentAddress(
            await citizens.completeAddAddress(
              citizenOf(request).citizenId,
              body(request).challengeId,
              body(request).code,
            ),
          ),
      );

      signedIn.delete(
        '/api/citizen/addresses/:id',
        {
          schema: {
            tags,
            summary: 'Remove an address from the account',
            params: Type.Object({ id: Type.String() }),
          },
        },
        async (request, reply) => {
          await citizens.removeAddress(citizenOf(request).citizenId, request.params.id);
          return reply.code(204).send();
        },
      );

      signedIn.get(
        '/api/citizen/consents',
        {
          schema: {
            tags,
            summary: 'Every consent held for my verified addresses, across all brands',
            response: { 200: ConsentsResponse, ...errors },
          },
        },
        async (request) => {
          const { citizenId } = citizenOf(request);
          const [addresses, consents] = await Promise.all([
            citizens.listAddresses(citizenId),
            citizens.listConsents(citizenId),
          ]);
          return {
            addresses: addresses.map(presentAddress),
            consents: consents.map((c) => ({
              ...c,
              consentDate: formatWireDate(c.consentDate),
              lastChange: formatWireDate(c.lastChange),
            })),
          };
        },
      );

      signedIn.get(
        '/api/citizen/consents/history',
        {
          schema: {
            tags,
            summary: 'The movements of one address (optionally one brand and channel), from the event log',
            querystring: Type.Object({
              addressId: Type.String(),
              brandCode: Type.Optional(Type.String()),
              type: Type.Optional(Type.String()),
            }),
            response: { 200: Type.Array(HistoryEntry), ...errors },
          },
        },
        async (request) => {
          const { addressId, brandCode, type } = request.query;
          const entries = await citizens.history(citizenOf(request).citizenId, addressId, {
            brandCode: brandCode && /^\d+$/.test(brandCode) ? Number(brandCode) : undefined,
            type,
          });
          return entries.map((e) => ({
            ...e,
            consentDate: formatWireDate(e.consentDate),
            creationDate: formatWireDate(e.creationDate),
          }));
        },
      );

      signedIn.get(
        '/api/citizen/receipts/:transactionId',
        {
          schema: {
            tags,
            summary:
              'The transparency-log receipt and consent record of one movement of my addresses (202 until signed)',
            params: Type.Object({ transactionId: Type.String() }),
            response: { 200: CitizenReceipt, 202: Type.Object({}), ...errors },
          },
        },
        async (request, reply) => {
          const answer = await deps.citizenReceipts.forCitizen(
            citizenOf(request).citizenId,
            request.params.transactionId,
          );
          if (!answer.ready)
            return reply.code(202).header('retry-after', String(answer.retryAfterSeconds)).send({});
          return answer.body;
        },
      );

      signedIn.post(
        '/api/citizen/consents/change',
        {
          schema: {
            tags,
            summary: 'Change one consent (ONAY ↔ RET), source IYS_WEB',
            body: ChangeBody,
            ...errors,
          },
        },
        async (request, reply) => {
          await citizens.changeConsent(citizenOf(request).citizenId, body(request) as never);
          return reply.code(204).send();
        },
      );

      signedIn.post(
        '/api/citizen/consents/reject-all',
        {
          schema: {
            tags,
            summary: 'RET for every ONAY of one address on one channel',
            body: RejectAllBody,
            response: { 200: Type.Object({ rejected: Type.Integer() }), ...errors },
          },
        },
        async (request) => ({
          rejected: await citizens.rejectAll(
            citizenOf(request).citizenId,
            body(request).addressId,
            body(request).type,
          ),
        }),
      );

      signedIn.get(
        '/api/citizen/export',
        {
          schema: {
            tags,
            summary: 'Download my data (KVKK right of access) as JSON or CSV',
            querystring: Type.Object({
              format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
            }),
          },
        },
        async (request, reply) => {
          const { citizenId } = citizenOf(request);
          const addresses = await citizens.listAddresses(citizenId);
          const consents = await citizens.listConsents(citizenId);
          const byId = new Map(addresses.map((a) => [a.id, a.address]));
          const rows = consents.map((c) => ({
            address: byId.get(c.addressId) ?? '',
            brandCode: c.brandCode,
            brandName: c.brandName,
            company: c.company,
            recipientType: c.recipientType,
            type: c.type,
            status: c.status,
            source: c.source ?? '',
            consentDate: formatWireDate(c.consentDate),
            lastChange: formatWireDate(c.lastChange),
          }));
          const stamp = formatWireDate(new Date()).slice(0, 10);
          if (request.query.format === 'csv') {
            return reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', `attachment; filename="iys-verilerim-${stamp}.csv"`)
              .send(
                stringify(
                  rows,
                  csvOptions(
                    [
                      'address',
                      'brandCode',
                      'brandName',
                      'company',
                      'recipientType',
                      'type',
                      'status',
                      'source',
                      'consentDate',
                      'lastChange',
                    ],
                    { forPeople: true },
                  ),
                ),
              );
          }
          const history = await Promise.all(
            addresses.map(async (a) => ({
              address: a.address,
              movements: await citizens.history(citizenId, a.id),
            })),
          );
          return reply
            .header('content-disposition', `attachment; filename="iys-verilerim-${stamp}.json"`)
            .send({
              exportedAt: formatWireDate(new Date()),
              addresses: addresses.map(presentAddress),
              consents: rows,
              history: history.map((h) => ({
                address: h.address,
                movements: h.movements.map((m) => ({
                  ...m,
                  consentDate: formatWireDate(m.consentDate),
                  creationDate: formatWireDate(m.creationDate),
                })),
              })),
              complaints: (await complaints.listForCitizen(citizenId)).map(presentComplaint),
            });
        },
      );
    });
  };
}
