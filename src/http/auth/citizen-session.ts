import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { CitizenService, CitizenSession } from '../../services/citizen.service.js';
import { SESSION_TTL_MS } from '../../services/citizen.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    citizen?: CitizenSession;
  }
}

export const SESSION_COOKIE = 'openiys_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie: httpOnly (no script reads it), SameSite=Lax, Secure when served over https. */
export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Requires a signed-in citizen; every state change must also carry the session's CSRF token in the
 * `x-csrf-token` header (a cross-site page can send the cookie, but cannot read the token to send it).
 */
export function requireCitizen(citizens: CitizenService) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await citizens.authenticate(token) : undefined;
    if (!session) throw IysRequestError.of('H916');
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw IysRequestError.of('H917');
    }
    request.citizen = session;
  };
}

export function citizenOf(request: FastifyRequest): CitizenSession {
  if (!request.citizen) throw IysRequestError.of('H916');
  return request.citizen;
}
