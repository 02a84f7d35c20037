import type { FastifyInstance } from 'fastify';
import type { AuditRepository } from '../repositories/audit.repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Audit every call of this route under this action, reads included (exports of plaintext addresses). */
    auditAs?: string;
  }
}

/**
 * The audit trail of the provider side, kept in one place so that no route can forget it: every state
 * change a signed-in portal user makes (API credentials, webhooks, integrator grants, invitations, brands,
 * uploads…), and every call of a route marked `auditAs` (bulk exports of plaintext addresses), by a portal
 * user or an API token. Recorded before the answer leaves, with the outcome's status; never the body, which
 * can hold passwords and addresses.
 */
export function recordProviderActions(app: FastifyInstance, audit: AuditRepository): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const marked = request.routeOptions.config.auditAs;
    const user = request.portalUser;
    const owner = request.owner;
    if (!(marked || (user && request.method !== 'GET'))) return payload;
    if (!user && !owner) return payload;
    const actor = user
      ? `portal:${user.iysCode}:${user.userId}`
      : `api:${owner!.iysCode}:${owner!.apiUserId}`;
    await audit
      .record({
        actor,
        action: marked ?? `${request.method} ${request.routeOptions.url}`,
        target: `provider:${user?.iysCode ?? owner!.iysCode}`,
        details: {
          ...(user ? { name: user.name, role: user.role } : {}),
          params: request.params,
          status: reply.statusCode,
        },
        clientAddress: request.ip,
      })
      .catch((error: unknown) => request.log.error({ err: error }, 'audit entry not written'));
    return payload;
  });
}
