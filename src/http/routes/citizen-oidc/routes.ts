import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IysRequestError } from '../../../domain/iys-errors.js';
import type { CitizenService } from '../../../services/citizen.service.js';
import type { OidcIdentity } from '../../../services/oidc-identity.service.js';
import { setSessionCookie } from '../../auth/citizen-session.js';

const FLOW_COOKIE = 'openiys_oidc';
const CALLBACK = '/api/citizen/oidc/callback';

/**
 * Citizen sign-in through the configured identity provider (OpenID Connect), beside the one-time codes.
 * The way back ends on the portal's front page: signed in, or with `?giris=hata` / `?giris=iptal` for the
 * page to explain (a browser is never left on a JSON error).
 */
export function citizenOidcRoutes(deps: {
  citizens: CitizenService;
  oidc: OidcIdentity | undefined;
  secureCookies: boolean;
}): FastifyPluginAsyncTypebox {
  const { oidc } = deps;
  return async (app) => {
    const tags = ['Vatandaş (citizen)'];
    app.get(
      '/api/citizen/identity-providers',
      {
        schema: {
          tags,
          summary:
            'How a citizen may sign in: one-time codes always, and the identity provider when configured',
          response: {
            200: Type.Object({
              otp: Type.Boolean(),
              oidc: Type.Union([Type.Object({ name: Type.String(), start: Type.String() }), Type.Null()]),
            }),
          },
        },
      },
      async () => ({ otp: true, oidc: oidc ? { name: oidc.name, start: '/api/citizen/oidc/start' } : null }),
    );

    app.get(
      '/api/citizen/oidc/start',
      {
        schema: { tags, summary: 'Starts sign-in at the identity provider (302; authorization code + PKCE)' },
      },
      async (_request, reply) => {
        if (!oidc) throw IysRequestError.of('H904');
        const { url, cookie } = await oidc.start();
        reply.setCookie(FLOW_COOKIE, cookie, {
          httpOnly: true,
          // Lax: the provider sends the browser back with a top-level GET, which must carry it.
          sameSite: 'lax',
          secure: deps.secureCookies,
          path: CALLBACK,
          maxAge: 600,
        });
        return reply.redirect(url, 302);
      },
    );

    app.get(
      CALLBACK,
      {
        schema: {
          tags,
          summary: 'The identity provider sends the browser back here; ends on the front page',
        },
      },
      async (request, reply) => {
        reply.clearCookie(FLOW_COOKIE, { path: CALLBACK });
        if (!oidc) throw IysRequestError.of('H904');
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
        if (new URLSearchParams(query).has('error')) return reply.redirect('/?giris=iptal', 302);
        try {
          const { identityHash, proven } = await oidc.finish(query, request.cookies[FLOW_COOKIE]);
          const session = await deps.citizens.signInWithIdentity(identityHash, proven);
          setSessionCookie(reply, session.sessionToken, deps.secureCookies);
          return reply.redirect('/', 302);
        } catch (error) {
          // Never the claims or the code: what kind of failure it was is enough to look into it.
          request.log.warn(
            { reason: error instanceof Error ? error.name : 'unknown' },
            'identity sign-in failed',
          );
          return reply.redirect('/?giris=hata', 302);
        }
      },
    );
  };
}
