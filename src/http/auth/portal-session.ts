import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalRole } from '../../db/types.js';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { PortalAccountService, PortalSession } from '../../services/portal-account.service.js';
import { PORTAL_SESSION_TTL_MS } from '../../services/portal-account.service.js';
import { requireCsrf, writeSessionCookie } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    portalUser?: PortalSession;
  }
}

/** Separate from the citizen cookie: one browser may be signed in to both sides at once. */
export const PORTAL_COOKIE = 'openiys_portal';

export function setPortalCookie(reply: FastifyReply, token: string, secure: boolean): void {
  writeSessionCookie(reply, PORTAL_COOKIE, token, { secure, ttlMs: PORTAL_SESSION_TTL_MS });
}

export function clearPortalCookie(reply: FastifyReply): void {
  reply.clearCookie(PORTAL_COOKIE, { path: '/' });
}

/**
 * Requires a signed-in portal user whose role is one of `roles` (default: any); state changes must carry
 * the session's CSRF token in `x-csrf-token`, as on the citizen side. A retailer's users pass only where
 * `audience` is 'retailer' (their own page) or 'anyone' (their session); company pages refuse them.
 */
export function requirePortalUser(
  accounts: PortalAccountService,
  roles?: readonly PortalRole[],
  audience: 'company' | 'retailer' | 'anyone' = 'company',
) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = request.cookies[PORTAL_COOKIE];
    const session = token ? await accounts.authenticate(token, request.ip) : undefined;
    if (!session) throw IysRequestError.of('H916');
    requireCsrf(request, session.csrfToken);
    if (roles && !roles.includes(session.role)) throw IysRequestError.of('H955');
    if (audience !== 'anyone' && (session.retailer !== null) !== (audience === 'retailer'))
      throw IysRequestError.of('H955');
    request.portalUser = session;
  };
}

export function portalUserOf(request: FastifyRequest): PortalSession {
  if (!request.portalUser) throw IysRequestError.of('H916');
  return request.portalUser;
}
