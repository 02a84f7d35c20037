import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A session cookie: httpOnly (no script reads it), SameSite=Lax, Secure when served over https. */
export function writeSessionCookie(
  reply: FastifyReply,
  name: string,
  token: string,
  options: { secure: boolean; ttlMs: number },
): void {
  reply.setCookie(name, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    path: '/',
    maxAge: options.ttlMs / 1000,
  });
}

/**
 * Every state change must carry the session's CSRF token in `x-csrf-token`: a cross-site page can send the
 * cookie, but cannot read the token to send it.
 */
export function requireCsrf(request: FastifyRequest, csrfToken: string): void {
  if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== csrfToken) {
    throw IysRequestError.of('H917');
  }
}
