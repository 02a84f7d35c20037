import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AUDIT_AREAS, isAuditArea } from '../../../domain/audit-areas.js';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { formatDeadline, formatWireDate, parseWireDate } from '../../../domain/wire-date.js';
import type { ComplaintService } from '../../../services/complaint.service.js';
import type { ComplaintAnswerService } from '../../../services/complaint-answers.service.js';
import type { EvidenceService } from '../../../services/evidence.service.js';
import { sendEvidence } from '../evidence/routes.js';
import { CompanyAnswers, presentAnswers } from '../portal-complaints/routes.js';
import type { BrandModerationService } from '../../../services/brand-moderation.service.js';
import type { GatewayService } from '../../../services/gateway/gateway.service.js';
import type { DashboardService } from '../../../services/dashboard.service.js';
import type { RegulatorService } from '../../../services/regulator.service.js';
import type { TransparencyLogService } from '../../../services/transparency-log.service.js';
import { requireStaff, staffOf } from '../../auth/staff.js';
import { presentComplaint } from '../citizen/present.js';
import { Complaint } from '../citizen/schema.js';
import { ErrorResponse } from '../consents/schema.js';

const wireDateOrNothing = (value: string | undefined, name: string): Date | undefined => {
  if (value === undefined || value === '') return undefined;
  const parsed = parseWireDate(value);
  if (!parsed.ok) throw IysRequestError.of('H158', { location: [name], value });
  return parsed.date;
};

const RegulatorComplaint = Type.Object({
  ...Complaint.properties,
  answerDueAt: Type.Union([Type.String(), Type.Null()], { description: 'the company’s last day to answer' }),
  companyAnswers: CompanyAnswers,
});

/** The regulator's API (its console comes later): complaints with evidence and decisions, providers, audit. */
export function regulatorRoutes(deps: {
  complaints: ComplaintService;
  regulator: RegulatorService;
  dashboard: DashboardService;
  gateway: GatewayService;
  brandModeration: BrandModerationService;
  transparencyLog: TransparencyLogService;
  complaintAnswers: ComplaintAnswerService;
  evidence: EvidenceService;
}): FastifyPluginAsyncTypebox {
  const { regulator } = deps;
  return async (app) => {
    const tags = ['Düzenleyici (regulator)'];
    const security = [{ bearer: [] as string[] }];
    const errors = { '4xx': ErrorResponse };

    app.addHook('preHandler', requireStaff(regulator));

    app.get(
      '/api/regulator/complaints',
      {
        schema: {
          tags,
          security,
          summary: 'Complaints, newest first, filterable by province, brand, provider, verdict and status',
          querystring: Type.Object({
            province: Type.Optional(Type.String({ description: 'plate code, 01–81' })),
            brandCode: Type.Optional(Type.String()),
            iysCode: Type.Optional(Type.String()),
            verdict: Type.Optional(Type.String()),
            status: Type.Optional(Type.String()),
            limit: Type.Optional(Type.String({ description: '1–100, default 50' })),
            offset: Type.Optional(Type.String()),
          }),
          response: { 200: Type.Array(RegulatorComplaint), ...errors },
        },
      },
      async (request) => {
        const { limit, offset, ...filter } = request.query;
        const list = await deps.complaints.listForRegulator(filter, { limit, offset });
        await regulator.record(staffOf(request), 'complaints.list', 'complaints', {
          filter,
          count: list.length,
        });
        // Both sides: the company's answers, with its evidence, beside the registry's record.
        const answers = await deps.complaintAnswers.answersOf(
          list.map((c) => ({ id: c.id, brandId: c.brandId })),
        );
        return list.map((complaint) => ({
          ...presentComplaint(complaint),
          answerDueAt: complaint.answerDueAt ? formatDeadline(complaint.answerDueAt) : null,
          companyAnswers: presentAnswers(answers.get(complaint.id) ?? []),
        }));
      },
    );

    app.get(
      '/api/regulator/evidence/:evidenceId',
      {
        schema: {
          tags,
          security,
          summary: 'A piece of a company’s consent evidence (as sniffed when attached); audited',
          params: Type.Object({ evidenceId: Type.String() }),
        },
      },
      async (request, reply) => {
        const piece = await deps.evidence.download(request.params.evidenceId, 'any');
        await regulator.record(staffOf(request), 'evidence.download', `evidence:${piece.evidenceId}`, {
          transactionId: piece.transactionId,
          sha256: piece.sha256,
        });
        return sendEvidence(reply, piece);
      },
    );

    app.get(
      '/api/regulator/complaints/:id/screenshot',
      {
        schema: {
          tags,
          security,
          summary: 'The screenshot the citizen attached (PNG or JPEG, as sniffed when filed); audited',
          params: Type.Object({ id: Type.String() }),
        },
      },
      async (request, reply) => {
        const shot = await deps.complaints.screenshot(request.params.id);
        await regulator.record(
          staffOf(request),
          'complaint.screenshot',
          `complaint:${request.params.id}`,
          {},
        );
        // Only a PNG or JPEG (sniffed when filed), sent with its own type and never sniffed again (the
        // security headers add nosniff and the strict CSP to every answer).
        return reply
          .type(shot.type)
          .header('content-disposition', 'inline')
          .header('cache-control', 'private, no-store')
          .send(shot.data);
      },
    );

    app.post(
      '/api/regulator/complaints/:id/decision',
      {
        schema: {
          tags,
          security,
          summary:
            'Decide a complaint (upheld, rejected, needs_information) with a note; the citizen is told',
          params: Type.Object({ id: Type.String() }),
          body: Type.Object({
            decision: Type.Union([
              Type.Literal('upheld'),
              Type.Literal('rejected'),
              Type.Literal('needs_information'),
            ]),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
          response: { 200: Type.Object({ id: Type.String(), status: Type.String() }), ...errors },
        },
      },
      async (request) => ({
        id: request.params.id,
        status: await regulator.decideComplaint(staffOf(request), request.params.id, request.body),
      }),
    );

    for (const [action, status] of [
      ['suspend', 'suspended'],
      ['activate', 'active'],
    ] as const) {
      app.post(
        `/api/regulator/providers/:iysCode/${action}`,
        {
          schema: {
            tags,
            security,
            summary: `${action === 'suspend' ? 'Suspend' : 'Reactivate'} a provider (admins only); its tokens ${action === 'suspend' ? 'stop' : 'start'} working at once`,
            params: Type.Object({ iysCode: Type.String() }),
            response: { 200: Type.Object({ iysCode: Type.String(), status: Type.String() }), ...errors },
          },
        },
        async (request) => {
          await regulator.setProviderStatus(staffOf(request), request.params.iysCode, status);
          return { iysCode: request.params.iysCode, status };
        },
      );
    }

    app.get(
      '/api/regulator/dashboard',
      {
        schema: {
          tags,
          security,
          summary:
            'Market overview: movements per day, refusal rate per brand, complaints per 10,000 consents, gateway checks',
        },
      },
      async (request) => {
        await regulator.record(staffOf(request), 'dashboard.view', 'dashboard');
        return deps.dashboard.overview();
      },
    );

    const BrandState = Type.Object({
      brandCode: Type.Integer(),
      name: Type.String(),
      blocked: Type.Boolean(),
    });
    const brandParams = Type.Object({ brandCode: Type.String() });
    app.post(
      '/api/regulator/brands/:brandCode/rename',
      {
        schema: {
          tags,
          security,
          summary:
            'Rename a brand whose name misleads (the name rules of the portal apply; audited with the reason)',
          params: brandParams,
          body: Type.Object({ name: Type.String(), reason: Type.String() }),
          response: { 200: BrandState, ...errors },
        },
      },
      async (request) =>
        deps.brandModeration.rename(staffOf(request), request.params.brandCode, request.body),
    );
    for (const action of ['block', 'unblock'] as const) {
      app.post(
        `/api/regulator/brands/:brandCode/${action}`,
        {
          schema: {
            tags,
            security,
            summary:
              action === 'block'
                ? 'Block a brand: no new ONAY (H984), no registry notice naming it, until unblocked (audited)'
                : 'Lift the block on a brand (audited with the reason)',
            params: brandParams,
            body: Type.Object({ reason: Type.String() }),
            response: { 200: BrandState, ...errors },
          },
        },
        async (request) =>
          deps.brandModeration[action](staffOf(request), request.params.brandCode, request.body),
      );
    }

    app.get(
      '/api/regulator/log-audit',
      {
        schema: {
          tags,
          security,
          summary:
            "The last transparency-log audit (daily): problems mean the registry's history was tampered with",
          response: {
            200: Type.Object({
              ranAt: Type.Union([Type.String(), Type.Null()]),
              leaves: Type.Integer(),
              heads: Type.Integer(),
              problems: Type.Array(Type.String()),
              unlisted: Type.Integer(),
            }),
            ...errors,
          },
        },
      },
      async () => {
        const audit = await deps.transparencyLog.latestAudit();
        return audit
          ? { ...audit, ranAt: formatWireDate(audit.finishedAt) }
          : { ranAt: null, leaves: 0, heads: 0, problems: [], unlisted: 0 };
      },
    );

    app.get(
      '/api/regulator/gateway-alerts',
      {
        schema: {
          tags,
          security,
          summary:
            'Gateway accounts throttled for suspected number-range scans (mostly unknown or sequential numbers), newest first',
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                detectedAt: Type.String(),
                accountId: Type.Integer(),
                accountName: Type.String(),
                details: Type.Record(Type.String(), Type.Unknown()),
              }),
            ),
            ...errors,
          },
        },
      },
      async (request) => {
        await regulator.record(staffOf(request), 'gateway-alerts.view', 'gateway-alerts');
        return (await deps.gateway.alerts()).map((alert) => ({
          id: alert.id,
          kind: alert.kind,
          detectedAt: formatWireDate(alert.detected_at),
          accountId: alert.account_id,
          accountName: alert.account_name,
          details: alert.details,
        }));
      },
    );

    app.get(
      '/api/regulator/audit',
      {
        schema: {
          tags,
          security,
          summary: 'The audit log, newest first, searchable by actor, action, target and time',
          querystring: Type.Object({
            actor: Type.Optional(Type.String()),
            action: Type.Optional(Type.String({ description: 'An exact action name' })),
            area: Type.Optional(
              Type.String({
                description: `What the actions concern: ${Object.keys(AUDIT_AREAS).join(', ')}`,
              }),
            ),
            target: Type.Optional(Type.String()),
            from: Type.Optional(Type.String({ description: 'YYYY-MM-DD HH:mm:ss' })),
            to: Type.Optional(Type.String({ description: 'YYYY-MM-DD HH:mm:ss' })),
            limit: Type.Optional(Type.String({ description: '1–1000, default 100' })),
          }),
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                at: Type.String(),
                actor: Type.String(),
                action: Type.String(),
                target: Type.String(),
                details: Type.Unknown(),
                clientAddress: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            ...errors,
          },
        },
      },
      async (request) => {
        const { actor, action, area, target, from, to, limit } = request.query;
        if (area !== undefined && area !== '' && !isAuditArea(area))
          throw IysRequestError.of('H923', { location: ['area'], value: area });
        const max = limit === undefined ? 100 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
        if (!(max >= 1 && max <= 1000))
          throw IysRequestError.of('H183', { location: ['limit'], value: limit });
        const rows = await regulator.searchAudit({
          actor,
          action,
          actionPrefixes: isAuditArea(area) ? AUDIT_AREAS[area] : undefined,
          target,
          from: wireDateOrNothing(from, 'from'),
          to: wireDateOrNothing(to, 'to'),
          limit: max,
        });
        return rows.map(({ client_address, ...row }) => ({
          ...row,
          at: formatWireDate(row.at),
          clientAddress: client_address,
        }));
      },
    );
  };
}
