import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import { sameSecret } from '../../../crypto/secret-hash.js';
import { bearerTokenOf } from '../../auth/bearer.js';
import { IysRequestError } from '../../../domain/iys-errors.js';

export interface SystemRouteDeps {
  /** Resolves when the database answers; rejects otherwise. */
  pingDatabase: () => Promise<void>;
  metrics: Registry;
  /**
   * `token`: /metrics answers only `Authorization: Bearer <token>`. `open`: anyone (the sandbox's default).
   * `off`: no /metrics route (production without a token).
   */
  metricsAccess: { token: string } | 'open' | 'off';
}

const Status = Type.Object({ status: Type.String() });

export function systemRoutes(deps: SystemRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Sistem'];
    app.get(
      '/health',
      { schema: { tags, summary: 'Liveness: the process is up', response: { 200: Status } } },
      async () => ({
        status: 'ok',
      }),
    );

    app.get(
      '/ready',
      {
        schema: {
          tags,
          summary: 'Readiness: the database is reachable',
          response: { 200: Status, 503: Status },
        },
      },
      async (_request, reply) => {
        try {
          // A database that does not answer within two seconds is not ready either.
          await Promise.race([
            deps.pingDatabase(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
          ]);
          return { status: 'ready' };
        } catch {
          return reply.code(503).send({ status: 'database unavailable' });
        }
      },
    );

    const access = deps.metricsAccess;
    if (access === 'off') return;
    app.get(
      '/metrics',
      { schema: { tags, summary: 'Prometheus metrics (Authorization: Bearer OPENIYS_METRICS_TOKEN)' } },
      async (request, reply) => {
        if (access !== 'open') {
          if (!sameSecret(bearerTokenOf(request), access.token)) throw IysRequestError.of('H973');
        }
        return reply.type(deps.metrics.contentType).send(await deps.metrics.metrics());
      },
    );
  };
}
