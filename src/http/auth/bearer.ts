import type { FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { TokenOwner } from '../../repositories/api-user.repository.js';
import type { AuthService } from '../../services/auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    owner?: TokenOwner;
  }
}

/** Accepts `Authorization: Bearer <token>` (scheme case-insensitive, as OAuth 2 clients vary). */
export function requireBearer(auth: AuthService) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
    const owner = match ? await auth.authenticate(match[1]!) : undefined;
    if (!owner) throw IysRequestError.of('H351');
    request.owner = owner;
  };
}

/** The authenticated owner; only call behind requireBearer. */
export function ownerOf(request: FastifyRequest): TokenOwner {
  if (!request.owner) throw IysRequestError.of('H351');
  return request.owner;
}
