import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** The interactive API reference (Scalar, a Vue app) adds its styles at run time. */
const DOCS_PREFIX = '/docs';

const INLINE_CODE = /<(script|style)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/g;

/** `'sha256-…'` sources for each inline script and style of a page, from the exact bytes served. */
function inlineHashes(html: string): { script: string[]; style: string[] } {
  const hashes = { script: [] as string[], style: [] as string[] };
  for (const [, tag, body] of html.matchAll(INLINE_CODE)) {
    if (!body!.trim()) continue;
    hashes[tag as 'script' | 'style'].push(`'sha256-${createHash('sha256').update(body!).digest('base64')}'`);
  }
  return hashes;
}

function policy(options: { script: string[]; style: string[]; upgrade: boolean }): string {
  return [
    "default-src 'self'",
    `script-src ${["'self'", ...options.script].join(' ')}`,
    `style-src ${["'self'", ...options.style].join(' ')}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.upgrade ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * Security headers on every answer (helmet): nosniff, no framing, no referrer (short links carry tokens in
 * their path), and a Content-Security-Policy that allows nothing from other origins and no inline code,
 * except inline code that a page openiys renders itself carries, each piece pinned by its SHA-256 hash
 * (the sandbox outbox's style, the API reference's start-up script). Only the API reference may add styles
 * at run time. `https` turns on upgrade-insecure-requests (on plain-HTTP sandboxes it would break pages).
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: { https: boolean },
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  const base = policy({ script: [], style: [], upgrade: options.https });
  app.addHook('onSend', async (request, reply, payload) => {
    let csp = base;
    const html = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    if (html && typeof payload === 'string') {
      const hashes = inlineHashes(payload);
      if (request.url.startsWith(DOCS_PREFIX)) hashes.style.push("'unsafe-inline'");
      csp = policy({ ...hashes, upgrade: options.https });
    }
    reply.header('content-security-policy', csp);
    return payload;
  });
}
