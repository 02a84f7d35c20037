import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { parseBrandCode } from '../../params.js';
import { formatDeadline, formatWireDate } from '../../../domain/wire-date.js';
import type { ProviderRepository } from '../../../repositories/provider.repository.js';
import type { ComplaintAnswerService } from '../../../services/complaint-answers.service.js';
import type { EvidenceService } from '../../../services/evidence.service.js';
import type { PortalAccountService, PortalSession } from '../../../services/portal-account.service.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { presentEvidence as presentRecord } from '../citizen/present.js';
import { ErrorResponse } from '../consents/schema.js';
import { Evidence, presentEvidence, sendEvidence } from '../evidence/routes.js';
import { EVIDENCE_BODY_LIMIT, readEvidence } from '../evidence/read-evidence.js';

const Answer = Type.Object({
  text: Type.String(),
  by: Type.String(),
  at: Type.String(),
  evidence: Type.Array(Evidence),
});
export type AnswerView =
  Awaited<ReturnType<ComplaintAnswerService['answersOf']>> extends Map<string, infer A> ? A : never;
export const presentAnswers = (answers: AnswerView) =>
  answers.map((a) => ({ ...a, at: formatWireDate(a.at), evidence: a.evidence.map(presentEvidence) }));
export const CompanyAnswers = Type.Array(Answer);

const CompanyComplaint = Type.Object({
  id: Type.String(),
  brandCode: Type.Integer(),
  brandName: Type.String(),
  type: Type.String(),
  address: Type.String({ description: 'masked: +90 532 *** ** 67, a***@example.com' }),
  receivedAt: Type.String(),
  messageText: Type.String(),
  status: Type.String(),
  filedAt: Type.String(),
  answerDueAt: Type.Union([Type.String(), Type.Null()]),
  history: Type.Array(Type.Unknown(), { description: 'the registry’s record of the consent, as when filed' }),
  evidence: Type.Array(Evidence),
  answers: CompanyAnswers,
});

/**
 * The company's side of complaints in its portal: complaints naming its brands, its answers, and the
 * evidence it attaches to its consents. Reading needs any company role; answering and attaching, admin or
 * operator. Every state change is in the audit log (portal area).
 */
export function portalComplaintRoutes(deps: {
  portalAccounts: PortalAccountService;
  providers: ProviderRepository;
  complaintAnswers: ComplaintAnswerService;
  evidence: EvidenceService;
}): FastifyPluginAsyncTypebox {
  const brandIdsOf = (user: PortalSession) => deps.providers.listBrandIds(user.providerId);
  return async (app) => {
    const tags = ['Firma portalı (provider portal)'];
    const errors = { '4xx': ErrorResponse };

    await app.register(async (scope) => {
      const company = scope.withTypeProvider<TypeBoxTypeProvider>();
      company.addHook('preHandler', requirePortalUser(deps.portalAccounts));
      company.get(
        '/api/portal/complaints',
        {
          schema: {
            tags,
            summary:
              'Complaints naming the company’s brands (newest 200), with the record, evidence and answers',
            response: { 200: Type.Array(CompanyComplaint), ...errors },
          },
        },
        async (request) =>
          (await deps.complaintAnswers.listForCompany(await brandIdsOf(portalUserOf(request)))).map((c) => ({
            ...c,
            receivedAt: formatWireDate(c.receivedAt),
            filedAt: formatWireDate(c.filedAt),
            answerDueAt: c.answerDueAt ? formatDeadline(c.answerDueAt) : null,
            history: presentRecord(c.record).history,
            evidence: c.evidence.map(presentEvidence),
            answers: presentAnswers(c.answers),
          })),
      );
      company.get(
        '/api/portal/evidence/:evidenceId',
        {
          schema: {
            tags,
            summary: 'Download a piece of the company’s own evidence',
            params: Type.Object({ evidenceId: Type.String() }),
          },
        },
        async (request, reply) =>
          sendEvidence(
            reply,
            await deps.evidence.download(request.params.evidenceId, await brandIdsOf(portalUserOf(request))),
          ),
      );
    });

    await app.register(async (scope) => {
      const writers = scope.withTypeProvider<TypeBoxTypeProvider>();
      writers.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin', 'operator']));
      writers.post(
        '/api/portal/complaints/:id/answers',
        {
          schema: {
            tags,
            summary:
              'Answer a complaint before its deadline, naming the movements whose evidence it relies on',
            params: Type.Object({ id: Type.String() }),
            body: Type.Object({
              text: Type.String({ maxLength: 4000 }),
              transactionIds: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
            }),
            response: { 200: Type.Object({ answeredAt: Type.String() }), ...errors },
          },
        },
        async (request) => {
          const user = portalUserOf(request);
          const saved = await deps.complaintAnswers.answer(
            await brandIdsOf(user),
            `portal:${user.name}`,
            request.params.id,
            request.body,
          );
          return { answeredAt: formatWireDate(saved.answeredAt) };
        },
      );
      writers.post(
        '/api/portal/brands/:brandCode/consents/evidence',
        {
          bodyLimit: EVIDENCE_BODY_LIMIT,
          schema: {
            tags,
            summary: 'Attach evidence to one of the brand’s movements (multipart `transactionId` + `file`)',
            params: Type.Object({ brandCode: Type.String() }),
            response: { 200: Type.Object({ ...Evidence.properties, repeated: Type.Boolean() }), ...errors },
          },
        },
        async (request) => {
          const user = portalUserOf(request);
          const brand = await deps.providers.findBrandByCode(parseBrandCode(request.params.brandCode));
          if (!brand || brand.provider_id !== user.providerId) throw IysRequestError.of('H195');
          const { transactionId, file } = await readEvidence(request);
          const attached = await deps.evidence.attach(brand.id, `portal:${user.name}`, transactionId, file);
          return { ...presentEvidence(attached), repeated: attached.repeated };
        },
      );
    });
  };
}
