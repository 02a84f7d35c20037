import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RegulatorService } from '../../../services/regulator.service.js';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { clearStaffCookie, setStaffCookie, STAFF_COOKIE } from '../../auth/staff.js';
import { ErrorResponse } from '../consents/schema.js';

const StaffSession = Type.Object({ name: Type.String(), role: Type.String(), csrfToken: Type.String() });

/** The regulator console's sign-in: the staff key is exchanged for an httpOnly session cookie. */
export function staffSessionRoutes(deps: {
  regulator: RegulatorService;
  secureCookies: boolean;
}): FastifyPluginAsyncTypebox {
  const { regulator } = deps;
  return async (app) => {
    const tags = ['Düzenleyici (regulator)'];
    const errors = { '4xx': ErrorResponse };

    app.post(
      '/api/regulator/session',
      {
        schema: {
          tags,
          summary: 'Sign in to the console with a staff key: sets an httpOnly session cookie (8 hours)',
          body: Type.Object({ key: Type.String() }),
          response: { 200: StaffSession, ...errors },
        },
      },
      async (request, reply) => {
        const { sessionToken, session } = await regulator.openSession(request.body.key, request.ip);
        setStaffCookie(reply, sessionToken, deps.secureCookies);
        return session;
      },
    );

    app.get(
      '/api/regulator/session',
      {
        schema: {
          tags,
          summary: 'The console session, with its CSRF token',
          response: { 200: StaffSession, ...errors },
        },
      },
      async (request) => {
        const token = request.cookies[STAFF_COOKIE];
        const session = token ? await regulator.sessionOf(token) : undefined;
        if (!session) throw IysRequestError.of('H351');
        return session;
      },
    );

    app.post(
      '/api/regulator/sign-out',
      { schema: { tags, summary: 'End the console session' } },
      async (request, reply) => {
        const token = request.cookies[STAFF_COOKIE];
        if (token) await regulator.closeSession(token);
        clearStaffCookie(reply);
        return reply.code(204).send();
      },
    );
  };
}
