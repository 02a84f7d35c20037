import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { CitizenService, CitizenSession } from '../../services/citizen.service.js';
import { SESSION_TTL_MS } from '../../services/citizen.service.js';
import { requireCsrf, writeSessionCookie } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    citizen?: CitizenSession;
  }
}

export const SESSION_COOKIE = 'openiys_session';

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  writeSessionCookie(reply, SESSION_COOKIE, token, { secure, ttlMs: SESSION_TTL_MS });
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
    requireCsrf(request, session.csrfToken);
    request.citizen = session;
  };
}

export function citizenOf(request: FastifyRequest): CitizenSession {
  if (!request.citizen) throw IysRequestError.of('H916');
  return request.citizen;
}
