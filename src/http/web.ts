import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Paths that belong to the API: an unknown one is a 404 in the İYS error shape, never the web app. */
const API_PREFIXES = [
  '/api/',
  '/sps/',
  '/oauth2/',
  '/inbound/',
  '/gateway/',
  '/ahs/',
  '/info/',
  '/integrator/',
  '/dev/',
  '/docs',
  '/openapi.json',
  '/metrics',
];

export function isWebAppBuilt(root: string | undefined): root is string {
  return root !== undefined && existsSync(path.join(root, 'index.html'));
}

/** Serves the built single-page app (web/dist) on the same port as the API. */
export async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, { root, wildcard: false, index: 'index.html' });
}

/** Client-side routes such as /izinlerim or /r/<token>: any other GET outside the API gets index.html. */
export function webAppFallback(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const url = request.url.split('?')[0]!;
  if (request.method !== 'GET' || API_PREFIXES.some((prefix) => url.startsWith(prefix))) return undefined;
  return reply.type('text/html; charset=utf-8').sendFile('index.html');
}
