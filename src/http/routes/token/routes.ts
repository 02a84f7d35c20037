import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { iysError } from '../../../domain/iys-errors.js';
import { TokenRequestError, type AuthService } from '../../../services/auth.service.js';
import { createWindowLimiter } from '../../rate-limit.js';
import { TokenErrorResponse, TokenRateLimitedResponse, TokenRequestBody, TokenResponse } from './schema.js';

const pick = (body: Record<string, unknown>, ...names: string[]) =>
  names.map((n) => body[n]).find((v) => v !== undefined);

/** `POST /oauth2/token`: password and refresh_token grants, answering in both snake_case and camelCase. */
export function tokenRoutes(auth: AuthService, requestsPerHour: number): FastifyPluginAsyncTypebox {
  const limiter = createWindowLimiter(requestsPerHour, 3600_000);
  return async (app) => {
    app.post(
      '/oauth2/token',
      {
        schema: {
          tags: ['Kimlik'],
          summary: 'Get or refresh an access token',
          body: TokenRequestBody,
          response: { 200: TokenResponse, 400: TokenErrorResponse, 429: TokenRateLimitedResponse },
        },
      },
      async (request, reply) => {
        const retryAfter = limiter.hit(request.ip);
        if (retryAfter > 0) {
          const error = iysError('H084');
          // İYS clients read H084 as a bare {code, message}; the errors array keeps our common shape.
          return reply
            .code(429)
            .header('retry-after', String(retryAfter))
            .send({ code: 'H084' as const, message: error.message, errors: [error] });
        }
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
