import formBody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import apiReference from '@scalar/fastify-api-reference';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ProviderRepository } from '../repositories/provider.repository.js';
import type { AuthService } from '../services/auth.service.js';
import type { BulkService } from '../services/bulk.service.js';
import type { ConsentService } from '../services/consent.service.js';
import type { TenancyService } from '../services/tenancy.service.js';
import { registerErrorHandling } from './errors.js';
import { instrumentRequests } from './metrics.js';
import { brandRoutes } from './routes/brands/routes.js';
import { consentRoutes } from './routes/consents/routes.js';
import { systemRoutes } from './routes/system/routes.js';
import { tokenRoutes } from './routes/token/routes.js';

export interface AppDeps {
  logger: FastifyBaseLogger;
  tokenRequestsPerHour: number;
  metrics: Registry;
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
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Schemas describe requests for OpenAPI and shape responses; requests themselves are checked by the
  // domain parsers, because İYS answers each field with its own code (H110–H170), not a generic 400.
  app.setValidatorCompiler(() => (value) => ({ value }));

  await app.register(formBody);
  registerErrorHandling(app);
  instrumentRequests(app, deps.metrics);
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
          'İYS-compatible consent registry API: the same paths, JSON and Hnnn error codes as the Turkish İleti Yönetim Sistemi.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  await app.register(tokenRoutes(deps.auth, deps.tokenRequestsPerHour));
  await app.register(brandRoutes(deps));
  await app.register(consentRoutes(deps));
  await app.register(systemRoutes(deps));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(apiReference, { routePrefix: '/docs', configuration: { url: '/openapi.json' } });
  return app;
}
