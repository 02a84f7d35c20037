import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';
import { STAFF_SESSION_TTL_MS, type RegulatorService, type Staff } from '../../services/regulator.service.js';
import { bearerTokenOf } from './bearer.js';
import { requireCsrf, writeSessionCookie } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: Staff;
  }
}

/** The console's session cookie: separate from the citizen's and the portal's. */
export const STAFF_COOKIE = 'openiys_staff';

export function setStaffCookie(reply: FastifyReply, token: string, secure: boolean): void {
  writeSessionCookie(reply, STAFF_COOKIE, token, { secure, ttlMs: STAFF_SESSION_TTL_MS });
}

export function clearStaffCookie(reply: FastifyReply): void {
  reply.clearCookie(STAFF_COOKIE, { path: '/' });
}

/**
 * Registry staff: an API client sends its key as a bearer token (`npm run cli -- regulator-key add`); the
 * console holds a session cookie opened with the key, and sends its CSRF token with every state change.
 */
export function requireStaff(regulator: RegulatorService) {
  return async (request: FastifyRequest): Promise<void> => {
    const key = bearerTokenOf(request);
    if (key !== undefined) {
      request.staff = await regulator.authenticate(key);
    } else {
      const cookie = request.cookies[STAFF_COOKIE];
      const session = cookie ? await regulator.sessionOf(cookie) : undefined;
      if (session) requireCsrf(request, session.csrfToken);
      request.staff = session && { name: session.name, role: session.role };
    }
    if (!request.staff) throw IysRequestError.of('H351');
    request.staff = { ...request.staff, clientAddress: request.ip };
  };
}

export function staffOf(request: FastifyRequest): Staff {
  if (!request.staff) throw IysRequestError.of('H351');
  return request.staff;
}
