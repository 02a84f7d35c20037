import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { iysError } from '../../../domain/iys-errors.js';
import { TokenRequestError, type AuthService, type IssuedTokens } from '../../../services/auth.service.js';
import { createWindowLimiter } from '../../rate-limit.js';
import {
  LegacyTokenErrorResponse,
  LegacyTokenRequestBody,
  LegacyTokenResponse,
  TokenErrorResponse,
  TokenRateLimitedResponse,
  TokenRequestBody,
  TokenResponse,
} from './schema.js';

const pick = (body: Record<string, unknown>, ...names: string[]) =>
  names.map((n) => body[n]).find((v) => v !== undefined);

/**
 * `POST /oauth2/token`: password and refresh_token grants, answering in both snake_case and camelCase; and
 * İYS's deprecated `POST /oauth/token` and `POST /oauth/refresh` (iys-api.md §2.3), answering in their
 * `{message, status, result}` envelope, for clients written before OAuth2. All share one limit per address.
 */
export function tokenRoutes(auth: AuthService, requestsPerHour: number): FastifyPluginAsyncTypebox {
  const limiter = createWindowLimiter(requestsPerHour, 3600_000);

  /** The tokens, or an answer already sent (rate limit or refusal) in the path's own error shape. */
  async function grant(
    request: FastifyRequest,
    reply: FastifyReply,
    grantType: unknown,
    refuse: (error: TokenRequestError) => unknown,
  ): Promise<IssuedTokens | undefined> {
    const retryAfter = limiter.hit(request.ip);
    if (retryAfter > 0) {
      const error = iysError('H084');
      // İYS clients read H084 as a bare {code, message}; the errors array keeps our common shape.
      await reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ code: 'H084' as const, message: error.message, errors: [error] });
      return undefined;
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      return await auth.grantTokens({
        grantType,
        username: pick(body, 'username', 'userName'),
        password: pick(body, 'password'),
        refreshToken: pick(body, 'refresh_token', 'refreshToken'),
      });
    } catch (error) {
      if (!(error instanceof TokenRequestError)) throw error;
      await reply.code(400).send(refuse(error));
      return undefined;
    }
  }

  const legacyEnvelope = (tokens: IssuedTokens) => ({
    message: 'İşlem başarılı.',
    status: 200,
    result: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresIn: tokens.expiresIn,
      tokenType: 'bearer' as const,
    },
  });
  const legacyRefusal = (error: TokenRequestError) => ({
    message: error.message,
    status: 400,
    code: error.code,
    errors: [{ code: error.code, message: error.message }],
  });

  return async (app) => {
    const tags = ['Kimlik'];
    app.post(
      '/oauth2/token',
      {
        schema: {
          tags,
          summary: 'Get or refresh an access token',
          body: TokenRequestBody,
          response: { 200: TokenResponse, 400: TokenErrorResponse, 429: TokenRateLimitedResponse },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const tokens = await grant(request, reply, pick(body, 'grant_type', 'grantType'), (error) => ({
          error: error.error,
          error_description: error.message,
          errors: [{ code: error.code, message: error.message }],
        }));
        if (!tokens) return reply;
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
      },
    );

    const legacy = {
      tags,
      body: LegacyTokenRequestBody,
      response: { 200: LegacyTokenResponse, 400: LegacyTokenErrorResponse, 429: TokenRateLimitedResponse },
    };
    app.post(
      '/oauth/token',
      {
        schema: {
          ...legacy,
          summary: 'Deprecated İYS login: {username, password}, or {refreshToken} to refresh',
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        // No grant type on this path: a refresh token alone asks for a refresh (as some clients send it).
        const refreshing =
          pick(body, 'refreshToken', 'refresh_token') !== undefined && body.password === undefined;
        const tokens = await grant(request, reply, refreshing ? 'refresh_token' : 'password', legacyRefusal);
        return tokens ? legacyEnvelope(tokens) : reply;
      },
    );
    app.post(
      '/oauth/refresh',
      { schema: { ...legacy, summary: 'Deprecated İYS refresh: {refreshToken}' } },
      async (request, reply) => {
        const tokens = await grant(request, reply, 'refresh_token', legacyRefusal);
        return tokens ? legacyEnvelope(tokens) : reply;
      },
    );
  };
}
