import type { FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { TokenOwner } from '../../repositories/api-user.repository.js';
import type { AuthService } from '../../services/auth.service.js';
import type { WindowLimiter } from '../rate-limit.js';

declare module 'fastify' {
  interface FastifyRequest {
    owner?: TokenOwner;
  }
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, as OAuth 2 clients vary). */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/**
 * Accepts `Authorization: Bearer <token>` (scheme case-insensitive, as OAuth 2 clients vary), within the API
 * user's request budget: over it, `429 H124` (İYS's per-second limit) with `Retry-After`. Counted per API
 * user, not per token or address, so that neither more tokens nor more machines raise it.
 */
export function requireBearer(auth: AuthService, budget: WindowLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerTokenOf(request);
    const owner = token ? await auth.authenticate(token) : undefined;
    if (!owner) throw IysRequestError.of('H351');
    const wait = budget.hit(String(owner.apiUserId));
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw IysRequestError.of('H124');
    }
    request.owner = owner;
  };
}

/** The authenticated owner; only call behind requireBearer. */
export function ownerOf(request: FastifyRequest): TokenOwner {
  if (!request.owner) throw IysRequestError.of('H351');
  return request.owner;
}
