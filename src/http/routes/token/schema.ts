import { Type } from '@sinclair/typebox';

export const TokenRequestBody = Type.Object(
  {
    grant_type: Type.Optional(Type.Union([Type.Literal('password'), Type.Literal('refresh_token')])),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    refresh_token: Type.Optional(Type.String()),
  },
  {
    description:
      'JSON or application/x-www-form-urlencoded. camelCase aliases (grantType, refreshToken) are accepted too.',
  },
);

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  expires_in: Type.Integer({ description: 'Seconds: 7200' }),
  refresh_expires_in: Type.Integer({ description: 'Seconds: 14400' }),
  token_type: Type.Literal('bearer'),
  accessToken: Type.String({ description: 'camelCase alias for legacy clients' }),
  refreshToken: Type.String(),
  expiresIn: Type.Integer(),
  refreshExpiresIn: Type.Integer(),
  tokenType: Type.Literal('bearer'),
});

export const TokenErrorResponse = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const TokenRateLimitedResponse = Type.Object({
  code: Type.Literal('H084'),
  message: Type.String(),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const LegacyTokenRequestBody = Type.Object(
  {
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    refreshToken: Type.Optional(Type.String()),
  },
  { description: 'JSON, as the deprecated İYS login took it' },
);

export const LegacyTokenResponse = Type.Object({
  message: Type.String(),
  status: Type.Integer(),
  result: Type.Object({
    accessToken: Type.String(),
    refreshToken: Type.String(),
    expiresIn: Type.Integer({ description: 'Seconds: 7200' }),
    tokenType: Type.Literal('bearer'),
  }),
});

export const LegacyTokenErrorResponse = Type.Object({
  message: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});
