import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';

export interface SystemRouteDeps {
  /** Resolves when the database answers; rejects otherwise. */
  pingDatabase: () => Promise<void>;
  metrics: Registry;
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

    app.get(
      '/metrics',
      { schema: { tags, summary: 'Prometheus metrics', hide: false } },
      async (_request, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()),
    );
  };
}
