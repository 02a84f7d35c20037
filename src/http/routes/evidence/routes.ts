import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { evidenceFileName } from '../../../domain/evidence-file.js';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { AuthService } from '../../../services/auth.service.js';
import type { EvidenceService, EvidenceView } from '../../../services/evidence.service.js';
import type { TenancyService } from '../../../services/tenancy.service.js';
import { ownerOf, requireBearer } from '../../auth/bearer.js';
import { brandScopeOf } from '../../auth/brand-scope.js';
import type { WindowLimiter } from '../../rate-limit.js';
import { ErrorResponse } from '../consents/schema.js';
import { EVIDENCE_BODY_LIMIT, readEvidence } from './read-evidence.js';

export const Evidence = Type.Object({
  evidenceId: Type.String(),
  transactionId: Type.String(),
  mediaType: Type.String({
    description: 'as sniffed from the bytes: application/pdf, image/png, image/jpeg, application/json',
  }),
  bytes: Type.Integer(),
  sha256: Type.String({ description: 'hex; also a leaf of the transparency log' }),
  attachedBy: Type.String(),
  attachedAt: Type.String(),
});
export const presentEvidence = (e: EvidenceView) => ({ ...e, attachedAt: formatWireDate(e.attachedAt) });

/** Sends a piece of evidence as a download, never rendered inline (a PDF or JSON from a company). */
export function sendEvidence(reply: FastifyReply, piece: EvidenceView & { data: Buffer }) {
  return reply
    .type(piece.mediaType)
    .header(
      'content-disposition',
      `attachment; filename="${evidenceFileName(piece.evidenceId, piece.mediaType)}"`,
    )
    .send(piece.data);
}

/** The provider API's evidence: attach a file to a recorded movement, list a movement's evidence. */
export function evidenceRoutes(deps: {
  auth: AuthService;
  apiRequestLimiter: WindowLimiter;
  tenancy: TenancyService;
  evidence: EvidenceService;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    api.addHook('preHandler', requireBearer(deps.auth, deps.apiRequestLimiter));
    const common = { tags: ['İzin'], security: [{ bearer: [] }] };
    api.post(
      '/sps/:iysCode/brands/:brandCode/consents/evidence',
      {
        bodyLimit: EVIDENCE_BODY_LIMIT,
        schema: {
          ...common,
          summary:
            'Attach evidence (signed form as PDF/PNG/JPEG, or a web-form log as JSON, ≤ 10 MB) to a recorded movement: multipart `transactionId` + `file`, or JSON `{transactionId, content: base64}`',
          params: Type.Object({ iysCode: Type.String(), brandCode: Type.String() }),
          response: {
            200: Type.Object({ ...Evidence.properties, repeated: Type.Boolean() }),
            '4xx': ErrorResponse,
          },
        },
      },
      async (request) => {
        const scope = await brandScopeOf(deps.tenancy, request);
        const { transactionId, file } = await readEvidence(request);
        const attached = await deps.evidence.attach(
          scope.brand.id,
          `provider:${ownerOf(request).apiUserId}`,
          transactionId,
          file,
        );
        return { ...presentEvidence(attached), repeated: attached.repeated };
      },
    );
    api.get(
      '/sps/:iysCode/brands/:brandCode/consents/evidence/:transactionId',
      {
        schema: {
          ...common,
          summary: 'The evidence attached to one movement (digests, not content)',
          params: Type.Object({
            iysCode: Type.String(),
            brandCode: Type.String(),
            transactionId: Type.String(),
          }),
          response: { 200: Type.Object({ list: Type.Array(Evidence) }), '4xx': ErrorResponse },
        },
      },
      async (request) => {
        const scope = await brandScopeOf(deps.tenancy, request);
        const list = await deps.evidence.list(scope.brand.id, [request.params.transactionId]);
        return { list: list.map(presentEvidence) };
      },
    );
  };
}
