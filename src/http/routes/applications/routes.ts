import { serviceAgreementPdf } from '../../service-agreement.js';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { MAX_AGREEMENT_BYTES } from '../../../domain/provider-application.js';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { ApplicationView, OnboardingService } from '../../../services/onboarding.service.js';
import type { RegulatorService } from '../../../services/regulator.service.js';
import { requireStaff, staffOf } from '../../auth/staff.js';
import { ErrorResponse } from '../consents/schema.js';
import { formFieldText } from '../../request-guards.js';

const FIELDS = [
  'kind',
  'title',
  'vkn',
  'mersis',
  'tckn',
  'taxOffice',
  'invoiceAddress',
  'email',
  'contactName',
  'contactTckn',
];

const Application = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  taxId: Type.String(),
  mersis: Type.Union([Type.String(), Type.Null()]),
  taxOffice: Type.String(),
  invoiceAddress: Type.String(),
  email: Type.String(),
  contactName: Type.String(),
  contactTckn: Type.String(),
  agreementBytes: Type.Integer(),
  agreementSha256: Type.String(),
  status: Type.String(),
  submittedAt: Type.String(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  rejectionReason: Type.Union([Type.String(), Type.Null()]),
  iysCode: Type.Union([Type.Integer(), Type.Null()]),
});

const presentApplication = (view: ApplicationView) => ({
  ...view,
  submittedAt: formatWireDate(view.submittedAt),
  decidedAt: view.decidedAt ? formatWireDate(view.decidedAt) : null,
});

/** Reads the application form: its fields and the signed agreement (multipart/form-data). */
async function readApplication(request: FastifyRequest) {
  if (!request.isMultipart()) throw IysRequestError.of('H944', { location: ['agreement'] });
  const fields: Record<string, string> = {};
  let agreement: Buffer | undefined;
  for await (const part of request.parts({
    limits: { fileSize: MAX_AGREEMENT_BYTES, files: 1, fields: FIELDS.length + 4 },
  })) {
    if (part.type === 'file') {
      const file = part as MultipartFile;
      const data = await file.toBuffer().catch((error: { code?: string }) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE')
          throw IysRequestError.of('H944', { location: ['agreement'] });
        throw error;
      });
      if (file.fieldname === 'agreement') agreement = data;
    } else if (FIELDS.includes(part.fieldname)) {
      fields[part.fieldname] = formFieldText(part);
    }
  }
  return { fields, agreement };
}

/** Applying to join the registry (public), and the registry admins' review of applications. */
export function applicationRoutes(deps: {
  onboarding: OnboardingService;
  regulator: RegulatorService;
}): FastifyPluginAsyncTypebox {
  const { onboarding } = deps;
  return async (app) => {
    const errors = { '4xx': ErrorResponse };

    app.get(
      '/api/applications/agreement.pdf',
      {
        schema: {
          tags: ['Başvuru (application)'],
          summary: 'The service agreement to fill in, sign and upload with the application (PDF, Turkish)',
        },
      },
      async (_request, reply) =>
        reply
          .type('application/pdf')
          .header('content-disposition', 'attachment; filename="iys-hizmet-sozlesmesi.pdf"')
          .send(serviceAgreementPdf()),
    );

    app.post(
      '/api/applications',
      {
        bodyLimit: MAX_AGREEMENT_BYTES + 1024 * 1024,
        schema: {
          tags: ['Başvuru (application)'],
          summary:
            'Apply to become a service provider (multipart/form-data: the fields below and the signed agreement as a PDF ≤ 10 MB in `agreement`)',
          description: `Fields: ${FIELDS.join(', ')}. kind is TUZEL (vkn + mersis) or GERCEK (tckn).`,
          response: { 200: Type.Object({ id: Type.String() }), ...errors },
        },
      },
      async (request) => {
        await onboarding.admit(request.ip); // before a byte of the body is read
        const { fields, agreement } = await readApplication(request);
        return onboarding.submit(fields, agreement);
      },
    );

    app.post(
      '/api/applications/confirm',
      {
        schema: {
          tags: ['Başvuru (application)'],
          summary:
            'Confirm an application with the token from the e-mailed link (unconfirmed ones are deleted after 24 hours)',
          body: Type.Object({ token: Type.String() }),
          response: { 200: Type.Object({ id: Type.String() }), ...errors },
        },
      },
      async (request) => onboarding.confirm(request.body.token),
    );

    await app.register(async (scope) => {
      const staffOnly = scope.withTypeProvider<TypeBoxTypeProvider>();
      staffOnly.addHook('preHandler', requireStaff(deps.regulator));
      const tags = ['Düzenleyici (regulator)'];
      const security = [{ bearer: [] as string[] }];
      const params = Type.Object({ id: Type.String() });

      staffOnly.get(
        '/api/regulator/applications',
        {
          schema: {
            tags,
            security,
            summary:
              'Provider applications, newest first (status: pending, approved, rejected; unconfirmed only when asked for)',
            querystring: Type.Object({ status: Type.Optional(Type.String()) }),
            response: { 200: Type.Array(Application), ...errors },
          },
        },
        async (request) =>
          (await onboarding.list(staffOf(request), request.query.status)).map(presentApplication),
      );

      staffOnly.get(
        '/api/regulator/applications/:id/agreement',
        { schema: { tags, security, summary: 'The signed service agreement (PDF)', params } },
        async (request, reply) => {
          const pdf = await onboarding.agreement(staffOf(request), request.params.id);
          return reply
            .type('application/pdf')
            .header('content-disposition', `inline; filename="sozlesme-${request.params.id}.pdf"`)
            .header('cache-control', 'no-store')
            .send(pdf);
        },
      );

      staffOnly.post(
        '/api/regulator/applications/:id/approve',
        {
          schema: {
            tags,
            security,
            summary:
              'Approve (admins only): creates the provider with an iysCode and master brand, and invites the applicant to the portal',
            params,
            response: { 200: Type.Object({ iysCode: Type.Integer(), brandCode: Type.Integer() }), ...errors },
          },
        },
        async (request) => onboarding.approve(staffOf(request), request.params.id),
      );

      staffOnly.post(
        '/api/regulator/applications/:id/reject',
        {
          schema: {
            tags,
            security,
            summary: 'Reject (admins only) with a reason, which the applicant receives by e-mail',
            params,
            body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 2000 }) }),
            response: { 200: Type.Object({ id: Type.String(), status: Type.String() }), ...errors },
          },
        },
        async (request) => {
          await onboarding.reject(
            staffOf(request),
            request.params.id,
            (request.body as { reason?: unknown })?.reason,
          );
          return { id: request.params.id, status: 'rejected' };
        },
      );
    });
  };
}
