import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { IysRequestError } from '../../../domain/iys-errors.js';
import type { CitizenService } from '../../../services/citizen.service.js';
import type { ComplaintInput, ComplaintService } from '../../../services/complaint.service.js';
import { MAX_SCREENSHOT_BYTES } from '../../../services/complaint.service.js';
import { citizenOf, requireCitizen } from '../../auth/citizen-session.js';
import { presentComplaint, presentEvidence } from '../citizen/present.js';
import { Complaint } from '../citizen/schema.js';
import { ErrorResponse } from '../consents/schema.js';
import { formFieldText } from '../../request-guards.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

/** Reads a complaint from multipart/form-data (with an optional screenshot) or from JSON. */
async function readComplaint(request: FastifyRequest): Promise<ComplaintInput> {
  if (!request.isMultipart()) {
    const fields = body(request);
    return { ...fields, brandCode: Number(fields.brandCode) } as ComplaintInput;
  }
  const fields: Record<string, string> = {};
  let screenshot: ComplaintInput['screenshot'];
  for await (const part of request.parts({
    limits: { fileSize: MAX_SCREENSHOT_BYTES, files: 1, fields: 10 },
  })) {
    if (part.type === 'file') {
      const file = part as MultipartFile;
      const data = await file.toBuffer();
      if (file.file.truncated) throw IysRequestError.of('H922', { location: ['screenshot'] });
      if (file.fieldname === 'screenshot' && data.length > 0)
        screenshot = { data, declaredType: file.mimetype };
    } else {
      fields[part.fieldname] = formFieldText(part);
    }
  }
  return {
    addressId: fields.addressId,
    brandCode: /^\d+$/.test(fields.brandCode ?? '') ? Number(fields.brandCode) : fields.brandCode,
    type: fields.type,
    receivedAt: fields.receivedAt,
    messageText: fields.messageText,
    province: fields.province,
    screenshot,
  };
}

/** A signed-in citizen's complaints (şikayet): filing one, with the registry's evidence, and listing them. */
export function complaintRoutes(deps: {
  citizens: CitizenService;
  complaints: ComplaintService;
}): FastifyPluginAsyncTypebox {
  const { complaints } = deps;
  return async (app) => {
    const tags = ['Vatandaş (citizen)'];
    const errors = { '4xx': ErrorResponse };
    await app.register(async (scope) => {
      const signedIn = scope.withTypeProvider<TypeBoxTypeProvider>();
      signedIn.addHook('preHandler', requireCitizen(deps.citizens));

      signedIn.post(
        '/api/citizen/complaints',
        {
          // Room for a 5 MB screenshot plus the form fields and multipart framing.
          bodyLimit: MAX_SCREENSHOT_BYTES + 1024 * 1024,
          schema: {
            tags,
            summary:
              'File a complaint (multipart/form-data with an optional PNG/JPEG screenshot ≤ 5 MB, or JSON)',
            response: {
              200: Type.Object({ id: Type.String(), verdict: Type.String(), evidence: Type.Unknown() }),
              ...errors,
            },
          },
        },
        async (request) => {
          const filed = await complaints.file(citizenOf(request).citizenId, await readComplaint(request));
          return { id: filed.id, verdict: filed.verdict, evidence: presentEvidence(filed.evidence) };
        },
      );

      signedIn.post(
        '/api/citizen/complaints/:id/replies',
        {
          schema: {
            tags,
            summary:
              "Answer the regulator's request for more information (only while one is open, else H991); the complaint goes back to the regulator",
            params: Type.Object({ id: Type.String() }),
            body: Type.Object({ text: Type.String() }),
            response: { 200: Complaint, ...errors },
          },
        },
        async (request) => {
          const { citizenId } = citizenOf(request);
          await complaints.reply(citizenId, request.params.id, body(request).text);
          const mine = await complaints.listForCitizen(citizenId);
          return presentComplaint(mine.find((c) => c.id === request.params.id)!);
        },
      );

      signedIn.get(
        '/api/citizen/brands',
        {
          schema: {
            tags,
            summary:
              'Brands found by a part of their name (at least 2 letters; 20 at most), to name one in a complaint',
            querystring: Type.Object({ q: Type.String({ maxLength: 100 }) }),
            response: {
              200: Type.Array(
                Type.Object({ brandCode: Type.Integer(), name: Type.String(), company: Type.String() }),
              ),
              ...errors,
            },
          },
        },
        async (request) => complaints.findBrands(request.query.q),
      );

      signedIn.get(
        '/api/citizen/complaints',
        {
          schema: {
            tags,
            summary: 'My complaints and their status',
            response: { 200: Type.Array(Complaint), ...errors },
          },
        },
        async (request) =>
          (await complaints.listForCitizen(citizenOf(request).citizenId)).map(presentComplaint),
      );
    });
  };
}
