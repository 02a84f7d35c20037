import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import apiReference from '@scalar/fastify-api-reference';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { AuditRepository } from '../repositories/audit.repository.js';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { AuthService } from '../services/auth.service.js';
import type { BrandModerationService } from '../services/brand-moderation.service.js';
import type { BulkService } from '../services/bulk.service.js';
import type { ConsentService } from '../services/consent.service.js';
import type { DashboardService } from '../services/dashboard.service.js';
import type { CitizenService } from '../services/citizen.service.js';
import type { ComplaintService } from '../services/complaint.service.js';
import type { InboundSmsService } from '../services/inbound-sms.service.js';
import type { IntegratorService } from '../services/integrator.service.js';
import type { IysYoluService } from '../services/iys-yolu.service.js';
import type { GatewayService } from '../services/gateway/gateway.service.js';
import type { DevOutbox } from '../services/messaging/dev-outbox.js';
import type { OnboardingService } from '../services/onboarding.service.js';
import type { PortalAccountService } from '../services/portal-account.service.js';
import type { ProviderPortalService } from '../services/provider-portal.service.js';
import type { ReconciliationService } from '../services/reconciliation.service.js';
import type { RegulatorService } from '../services/regulator.service.js';
import type { RetailerService } from '../services/retailer.service.js';
import type { ShortLinkService } from '../services/short-link.service.js';
import type { TenancyService } from '../services/tenancy.service.js';
import type { TransparencyService } from '../services/transparency.service.js';
import type { TransparencyLogService } from '../services/transparency-log.service.js';
import type { UploadService } from '../services/upload.service.js';
import type { WebhookService } from '../services/webhook.service.js';
import { recordProviderActions } from './audit-trail.js';
import { registerErrorHandling } from './errors.js';
import { frameworkErrors, guardRequests } from './request-guards.js';
import { instrumentRequests } from './metrics.js';
import { applicationRoutes } from './routes/applications/routes.js';
import { brandRoutes } from './routes/brands/routes.js';
import { citizenRoutes } from './routes/citizen/routes.js';
import { complaintRoutes } from './routes/complaints/routes.js';
import { devOutboxRoutes } from './routes/dev-outbox/routes.js';
import { gatewayRoutes } from './routes/gateway/routes.js';
import { lineClosureRoutes, regulatorLineClosureRoutes } from './routes/line-closures/routes.js';
import type { LineClosureService } from '../services/line-closure.service.js';
import type { EvidenceService } from '../services/evidence.service.js';
import type { ComplaintAnswerService } from '../services/complaint-answers.service.js';
import { evidenceRoutes } from './routes/evidence/routes.js';
import { portalComplaintRoutes } from './routes/portal-complaints/routes.js';
import { retentionRoutes } from './routes/retention/routes.js';
import { anomalyRoutes } from './routes/anomalies/routes.js';
import { citizenOidcRoutes } from './routes/citizen-oidc/routes.js';
import type { OidcIdentity } from '../services/oidc-identity.service.js';
import type { AnomalyService } from '../services/anomaly.service.js';
import type { RetentionService } from '../services/retention.service.js';
import { inboundSmsRoutes } from './routes/inbound-sms/routes.js';
import { infoRoutes } from './routes/info/routes.js';
import { integratorRoutes } from './routes/integrators/routes.js';
import { iysYoluRoutes } from './routes/iys-yolu/routes.js';
import { portalAccountRoutes } from './routes/portal/routes.js';
import { portalWorkspaceRoutes } from './routes/portal-workspace/routes.js';
import { portalWebhookRoutes } from './routes/portal-webhooks/routes.js';
import { portalUploadRoutes } from './routes/portal-uploads/routes.js';
import { portalConsentRoutes } from './routes/portal-consents/routes.js';
import type { PortalConsentService } from '../services/portal-consents.service.js';
import { logoRoute } from './logo.js';
import { reconciliationRoutes } from './routes/reconciliation/routes.js';
import { regulatorRoutes } from './routes/regulator/routes.js';
import { staffSessionRoutes } from './routes/regulator/session-routes.js';
import { retailerRoutes } from './routes/retailers/routes.js';
import { shortLinkRoutes } from './routes/short-links/routes.js';
import { receiptRoutes } from './routes/receipts/routes.js';
import type { CitizenReceiptsService } from '../services/citizen-receipts.service.js';
import { isWebAppBuilt, serveWebApp, webAppFallback } from './web.js';
import { consentRoutes } from './routes/consents/routes.js';
import type { WindowLimiter } from './rate-limit.js';
import { registerSecurityHeaders } from './security-headers.js';
import { systemRoutes, type SystemRouteDeps } from './routes/system/routes.js';
import { tokenRoutes } from './routes/token/routes.js';
import { transparencyRoutes } from './routes/transparency/routes.js';
import { transparencyLogRoutes } from './routes/transparency-log/routes.js';

export interface AppDeps {
  citizens: CitizenService;
  complaints: ComplaintService;
  regulator: RegulatorService;
  onboarding: OnboardingService;
  retailers: RetailerService;
  reconciliation: ReconciliationService;
  webhooks: WebhookService;
  uploads: UploadService;
  integrators: IntegratorService;
  iysYolu: IysYoluService;
  portalAccounts: PortalAccountService;
  providerPortal: ProviderPortalService;
  portalConsents: PortalConsentService;
  transparency: TransparencyService;
  transparencyLog: TransparencyLogService;
  dashboard: DashboardService;
  shortLinks: ShortLinkService;
  citizenReceipts: CitizenReceiptsService;
  inboundSms: InboundSmsService;
  inboundSmsSecret: string | undefined;
  secureCookies: boolean;
  devOutbox: DevOutbox | undefined;
  webRoot: string | undefined;
  /** Reverse proxies whose X-Forwarded-For names the client (addresses or CIDRs); none by default. */
  trustedProxies: string[];
  gateway: GatewayService;
  lineClosures: LineClosureService;
  evidence: EvidenceService;
  complaintAnswers: ComplaintAnswerService;
  retention: RetentionService;
  anomalies: AnomalyService;
  /** The identity provider citizens may sign in with, when one is configured. */
  oidc: OidcIdentity | undefined;
  brandModeration: BrandModerationService;
  audit: AuditRepository;
  logger: FastifyBaseLogger;
  tokenRequestsPerHour: number;
  /** The provider API's request budget per API user and second (İYS's H124). */
  apiRequestLimiter: WindowLimiter;
  metrics: Registry;
  metricsAccess: SystemRouteDeps['metricsAccess'];
  pingDatabase: () => Promise<void>;
  auth: AuthService;
  tenancy: TenancyService;
  providers: ProviderRepository;
  consents: ConsentService;
  bulk: BulkService;
}

/** 1000 consents with long e-mail addresses and retailer lists stay well under this. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Builds the HTTP application without listening, so tests drive it with `app.inject()`. */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Request logs are written by the onResponse hook below with the route pattern only: raw URLs and
    // bodies can carry phone numbers and e-mail addresses, which must never reach a log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
    // A number is not a string and an object is neither: validated routes get exactly the types they
    // declare (query strings and path parameters are declared as strings).
    ajv: { customOptions: { coerceTypes: false } },
    // Every per-address limit keys on request.ip: only the listed proxies may say who the client is.
    trustProxy: deps.trustedProxies.length > 0 ? deps.trustedProxies : false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  guardRequests(app);
  await registerSecurityHeaders(app, { https: deps.secureCookies });
  await app.register(formBody);
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1 } });
  const withWeb = isWebAppBuilt(deps.webRoot);
  if (deps.webRoot && !withWeb)
    deps.logger.warn({ root: deps.webRoot }, 'web app not built; run `npm run build:web`');
  registerErrorHandling(app, withWeb ? webAppFallback : undefined);
  instrumentRequests(app, deps.metrics);
  recordProviderActions(app, deps.audit);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'openiys API',
        version: '0.1.0',
        description:
          '![openiys](/logo.svg)\n\nİYS-compatible consent registry API: the same paths, JSON and Hnnn error codes as the Turkish İleti Yönetim Sistemi.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
    },
  });

  // The İYS-compatible API and the gateway: their schemas describe requests for OpenAPI, and the requests
  // themselves are checked by the domain parsers, because İYS answers each field with its own code
  // (H110–H170), not a generic one. Every other route is validated against its schema (TypeBox), so a
  // handler only ever sees the types its schema promises.
  await app.register(async (wire) => {
    wire.setValidatorCompiler(() => (value) => ({ value }));
    await wire.register(tokenRoutes(deps.auth, deps.tokenRequestsPerHour));
    await wire.register(brandRoutes(deps));
    await wire.register(consentRoutes(deps));
    await wire.register(retailerRoutes(deps));
    await wire.register(iysYoluRoutes(deps));
    await wire.register(reconciliationRoutes(deps));
    await wire.register(gatewayRoutes(deps.gateway));
    await wire.register(lineClosureRoutes(deps));
    await wire.register(evidenceRoutes(deps));
    await wire.register(infoRoutes());
    await wire.register(integratorRoutes(deps));
  });
  await app.register(systemRoutes(deps));
  await app.register(citizenRoutes(deps));
  await app.register(citizenOidcRoutes(deps));
  await app.register(complaintRoutes(deps));
  await app.register(shortLinkRoutes(deps));
  await app.register(receiptRoutes(deps.citizenReceipts));
  await app.register(inboundSmsRoutes({ inboundSms: deps.inboundSms, secret: deps.inboundSmsSecret }));
  await app.register(staffSessionRoutes({ regulator: deps.regulator, secureCookies: deps.secureCookies }));
  await app.register(
    regulatorRoutes({
      transparencyLog: deps.transparencyLog,
      complaints: deps.complaints,
      regulator: deps.regulator,
      dashboard: deps.dashboard,
      gateway: deps.gateway,
      brandModeration: deps.brandModeration,
      complaintAnswers: deps.complaintAnswers,
      evidence: deps.evidence,
    }),
  );
  await app.register(regulatorLineClosureRoutes(deps));
  if (deps.devOutbox) await app.register(devOutboxRoutes(deps.devOutbox));
  await app.register(transparencyRoutes(deps.transparency));
  await app.register(transparencyLogRoutes(deps.transparencyLog));
  await app.register(applicationRoutes(deps));
  await app.register(portalAccountRoutes(deps));
  await app.register(portalWorkspaceRoutes(deps));
  await app.register(portalWebhookRoutes(deps));
  await app.register(portalUploadRoutes(deps));
  await app.register(portalConsentRoutes(deps));
  await app.register(portalComplaintRoutes(deps));
  await app.register(retentionRoutes(deps));
  await app.register(anomalyRoutes(deps));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  logoRoute(app);
  // Fonts come from scalar.com by default: every page's fonts are our own (see security-headers.ts). The
  // reference is openiys's, not a vendor's: no hosted AI chat (it sends questions to scalar.com), no
  // developer toolbar (its "Deploy" button), our name in the title.
  await app.register(apiReference, {
    routePrefix: '/docs',
    configuration: {
      url: '/openapi.json',
      withDefaultFonts: false,
      agent: { disabled: true },
      showDeveloperTools: 'never',
      metaData: { title: 'openiys · İYS API' },
      favicon: '/logo.svg',
    },
  });
  if (withWeb) await serveWebApp(app, deps.webRoot!);
  return app;
}
