import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { PortalAccountService, PortalSession } from '../../../services/portal-account.service.js';
import {
  clearPortalCookie,
  PORTAL_COOKIE,
  portalUserOf,
  requirePortalUser,
  setPortalCookie,
} from '../../auth/portal-session.js';
import { ErrorResponse } from '../consents/schema.js';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

const Session = Type.Object({
  csrfToken: Type.String(),
  name: Type.String(),
  role: Type.String(),
  iysCode: Type.Integer(),
  providerTitle: Type.String(),
  totpEnabled: Type.Boolean(),
  retailer: Type.Union([Type.Object({ code: Type.Integer(), title: Type.String() }), Type.Null()]),
});
const presentSession = (s: PortalSession) => ({
  csrfToken: s.csrfToken,
  name: s.name,
  role: s.role,
  iysCode: s.iysCode,
  providerTitle: s.providerTitle,
  totpEnabled: s.totpEnabled,
  retailer: s.retailer && { code: s.retailer.code, title: s.retailer.title },
});

/** The provider portal's accounts: invitation, sign-in with an optional second factor, colleagues. */
export function portalAccountRoutes(deps: {
  portalAccounts: PortalAccountService;
  secureCookies: boolean;
}): FastifyPluginAsyncTypebox {
  const { portalAccounts: accounts } = deps;
  return async (app) => {
    const tags = ['Firma portalı (provider portal)'];
    const errors = { '4xx': ErrorResponse };

    const signedInAs = async (token: string, clientAddress: string) =>
      presentSession((await accounts.authenticate(token, clientAddress))!);

    app.post(
      '/api/portal/invitation',
      {
        schema: {
          tags,
          summary:
            'Set a password from a one-time link (an invitation or a password reset; ≥ 12 characters) and sign in; with two-step verification on, `code` (the app’s code or a recovery code) too, else H951',
          body: Type.Object({
            token: Type.String(),
            password: Type.String(),
            code: Type.Optional(Type.String()),
          }),
          response: { 200: Session, ...errors },
        },
      },
      async (request, reply) => {
        const { token, password, code } = body(request);
        const { sessionToken } = await accounts.acceptInvitation(token, password, code);
        setPortalCookie(reply, sessionToken, deps.secureCookies);
        return signedInAs(sessionToken, request.ip);
      },
    );

    app.post(
      '/api/portal/password-reset',
      {
        schema: {
          tags,
          summary:
            'Forgot password: e-mails a one-time link (1 hour) to set a new one, if the address has an account; the answer is the same either way',
          body: Type.Object({ email: Type.String() }),
          response: { 200: Type.Object({ sent: Type.Literal(true) }), ...errors },
        },
      },
      async (request) => {
        await accounts.requestPasswordReset(body(request).email, request.ip);
        return { sent: true as const };
      },
    );

    app.post(
      '/api/portal/sign-in',
      {
        schema: {
          tags,
          summary:
            'Sign in with e-mail and password, plus the 6-digit code when two-step verification is on (H951 asks for it)',
          body: Type.Object({
            email: Type.String(),
            password: Type.String(),
            code: Type.Optional(Type.String()),
          }),
          response: { 200: Session, ...errors },
        },
      },
      async (request, reply) => {
        const { email, password, code } = body(request);
        const { sessionToken } = await accounts.signIn({ email, password, code, clientAddress: request.ip });
        setPortalCookie(reply, sessionToken, deps.secureCookies);
        return signedInAs(sessionToken, request.ip);
      },
    );

    await app.register(async (scope) => {
      const signedIn = scope.withTypeProvider<TypeBoxTypeProvider>();
      signedIn.addHook('preHandler', requirePortalUser(accounts, undefined, 'anyone'));

      signedIn.get(
        '/api/portal/session',
        { schema: { tags, summary: 'Who is signed in', response: { 200: Session, ...errors } } },
        async (request) => presentSession(portalUserOf(request)),
      );

      signedIn.post(
        '/api/portal/sign-out',
        { schema: { tags, summary: 'Sign out' } },
        async (request, reply) => {
          await accounts.signOut(request.cookies[PORTAL_COOKIE]!);
          clearPortalCookie(reply);
          return { signedOut: true };
        },
      );

      signedIn.post(
        '/api/portal/totp/setup',
        {
          schema: {
            tags,
            summary:
              'A new TOTP secret, its otpauth:// URI and a QR code of it (SVG) to scan; nothing changes until /totp/enable',
            response: {
              200: Type.Object({ secret: Type.String(), uri: Type.String(), qrSvg: Type.String() }),
              ...errors,
            },
          },
        },
        async (request) => accounts.proposeTotp(portalUserOf(request)),
      );

      signedIn.post(
        '/api/portal/totp/enable',
        {
          schema: {
            tags,
            summary:
              'Turn on two-step verification with the secret and a current code from the app; answers the 10 one-time recovery codes, shown only now',
            body: Type.Object({ secret: Type.String(), code: Type.String() }),
            response: {
              200: Type.Object({ totpEnabled: Type.Literal(true), recoveryCodes: Type.Array(Type.String()) }),
              ...errors,
            },
          },
        },
        async (request) => ({
          totpEnabled: true as const,
          recoveryCodes: await accounts.enableTotp(
            portalUserOf(request),
            body(request).secret,
            body(request).code,
          ),
        }),
      );

      signedIn.get(
        '/api/portal/totp/recovery-codes',
        {
          schema: {
            tags,
            summary: 'How many unused recovery codes are left',
            response: { 200: Type.Object({ left: Type.Integer() }), ...errors },
          },
        },
        async (request) => ({ left: await accounts.recoveryCodesLeft(portalUserOf(request)) }),
      );

      signedIn.post(
        '/api/portal/totp/recovery-codes',
        {
          schema: {
            tags,
            summary: 'New recovery codes (the old ones stop working), after a current code from the app',
            body: Type.Object({ code: Type.String() }),
            response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors },
          },
        },
        async (request) => ({
          recoveryCodes: await accounts.renewRecoveryCodes(portalUserOf(request), body(request).code),
        }),
      );

      signedIn.post(
        '/api/portal/totp/disable',
        {
          schema: {
            tags,
            summary: 'Turn off two-step verification (needs a current code or a recovery code)',
            body: Type.Object({ code: Type.String() }),
          },
        },
        async (request) => {
          await accounts.disableTotp(portalUserOf(request), body(request).code);
          return { totpEnabled: false };
        },
      );
    });

    await app.register(async (scope) => {
      const admins = scope.withTypeProvider<TypeBoxTypeProvider>();
      admins.addHook('preHandler', requirePortalUser(accounts, ['admin']));
      const User = Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        email: Type.String(),
        role: Type.String(),
        active: Type.Boolean(),
        invited: Type.Boolean(),
        totpEnabled: Type.Boolean(),
      });

      admins.get(
        '/api/portal/users',
        {
          schema: {
            tags,
            summary: 'Portal users of the company (admins)',
            response: { 200: Type.Array(User), ...errors },
          },
        },
        async (request) => accounts.listColleagues(portalUserOf(request)),
      );

      admins.post(
        '/api/portal/users',
        {
          schema: {
            tags,
            summary: 'Invite a colleague by e-mail with a role: admin, operator or readonly (admins)',
            body: Type.Object({ email: Type.String(), name: Type.String(), role: Type.String() }),
            response: { 200: Type.Object({ id: Type.Integer() }), ...errors },
          },
        },
        async (request) => ({ id: await accounts.inviteColleague(portalUserOf(request), body(request)) }),
      );

      admins.post(
        '/api/portal/users/:id/disable',
        {
          schema: {
            tags,
            summary: 'Disable a colleague; their sessions end at once (admins)',
            params: Type.Object({ id: Type.String() }),
          },
        },
        async (request) => {
          const id = /^\d{1,9}$/.test(request.params.id) ? Number(request.params.id) : -1;
          await accounts.disableColleague(portalUserOf(request), id);
          return { id, disabled: true };
        },
      );
    });
  };
}
