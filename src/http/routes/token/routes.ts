import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TokenRequestError, type AuthService } from '../../../services/auth.service.js';
import { TokenErrorResponse, TokenRequestBody, TokenResponse } from './schema.js';

const pick = (body: Record<string, unknown>, ...names: string[]) =>
  names.map((n) => body[n]).find((v) => v !== undefined);

/** `POST /oauth2/token`: password and refresh_token grants, answering in both snake_case and camelCase. */
export function tokenRoutes(auth: AuthService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/oauth2/token',
      {
        schema: {
          tags: ['Kimlik'],
          summary: 'Get or refresh an access token',
          body: TokenRequestBody,
          response: { 200: TokenResponse, 400: TokenErrorResponse },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        try {
          const tokens = await auth.grantTokens({
            grantType: pick(body, 'grant_type', 'grantType'),
            username: pick(body, 'username', 'userName'),
            password: pick(body, 'password'),
            refreshToken: pick(body, 'refresh_token', 'refreshToken'),
          });
          return {
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            expires_in: tokens.expiresIn,
            refresh_expires_in: tokens.refreshExpiresIn,
            token_type: 'bearer' as const,
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresIn: tokens.expiresIn,
            refreshExpiresIn: tokens.refreshExpiresIn,
            tokenType: 'bearer' as const,
          };
        } catch (error) {
          if (!(error instanceof TokenRequestError)) throw error;
          return reply.code(400).send({
            error: error.error,
            error_description: error.message,
            errors: [{ code: error.code, message: error.message }],
          });
        }
      },
    );
  };
}
