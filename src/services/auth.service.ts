import { hash, verify } from '@node-rs/argon2';
import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret as hashToken } from '../crypto/secret-hash.js';
import type { ApiUserRepository, TokenOwner } from '../repositories/api-user.repository.js';

export const ACCESS_TOKEN_SECONDS = 7200;
export const REFRESH_TOKEN_SECONDS = 14400;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresIn: number;
}

/** An OAuth-style refusal; the message is the Turkish text İYS answers with. */
export class TokenRequestError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type',
    readonly code: 'H250' | 'H251' | 'H252',
    message: string,
  ) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

export interface TokenRequest {
  grantType: unknown;
  username: unknown;
  password: unknown;
  refreshToken: unknown;
}

const newToken = () => randomBytes(32).toString('base64url');

// Verifying against a fixed hash when the user is unknown keeps response times from revealing which
// usernames exist.
const DUMMY_HASH = await hash('openiys-timing-equaliser');

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Verifies a password; an unknown user is checked against a fixed hash, so both take the same time. */
export function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  return verify(passwordHash ?? DUMMY_HASH, password);
}

export function createAuthService(users: ApiUserRepository, clock: () => Date = () => new Date()) {
  async function issue(apiUserId: number, family: string = randomUUID()): Promise<IssuedTokens> {
    const now = clock().getTime();
    const accessToken = newToken();
    const refreshToken = newToken();
    await users.insertToken({
      token_hash: hashToken(accessToken),
      kind: 'access',
      api_user_id: apiUserId,
      family,
      expires_at: new Date(now + ACCESS_TOKEN_SECONDS * 1000),
    });
    await users.insertToken({
      token_hash: hashToken(refreshToken),
      kind: 'refresh',
      api_user_id: apiUserId,
      family,
      expires_at: new Date(now + REFRESH_TOKEN_SECONDS * 1000),
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: ACCESS_TOKEN_SECONDS,
      refreshExpiresIn: REFRESH_TOKEN_SECONDS,
    };
  }

  async function passwordGrant(username: unknown, password: unknown): Promise<IssuedTokens> {
    if (username === undefined || username === null) {
      throw new TokenRequestError('invalid_request', 'H250', 'Kullanıcı adı null olamaz.');
    }
    if (typeof username !== 'string') {
      throw new TokenRequestError('invalid_request', 'H250', 'Desteklenmeyen kullanıcı adı türü.');
    }
    if (username === '')
      throw new TokenRequestError('invalid_request', 'H250', 'Kullanıcı adı boş bırakılamaz.');
    if (password === undefined || password === null) {
      throw new TokenRequestError('invalid_request', 'H250', 'Şifre null olamaz.');
    }
    if (typeof password !== 'string')
      throw new TokenRequestError('invalid_request', 'H250', 'Desteklenmeyen şifre türü.');
    if (password === '') throw new TokenRequestError('invalid_request', 'H250', 'Şifre boş bırakılamaz.');

    const user = await users.findActiveApiUser(username);
    const valid = await verifyPassword(user?.passwordHash, password);
    if (!user || !valid || user.providerStatus !== 'active') {
      throw new TokenRequestError('invalid_grant', 'H251', 'Kullanıcı kimlik bilgileri geçersiz.');
    }
    return issue(user.apiUserId);
  }

  async function refreshGrant(refreshToken: unknown): Promise<IssuedTokens> {
    if (refreshToken === undefined || refreshToken === null) {
      throw new TokenRequestError('invalid_request', 'H252', 'Yenileme jetonu verilmemiş.');
    }
    if (typeof refreshToken !== 'string') {
      throw new TokenRequestError('invalid_request', 'H252', 'Desteklenmeyen yenileme jetonu türü.');
    }
    if (refreshToken === '')
      throw new TokenRequestError('invalid_request', 'H252', 'Yenileme jetonu boş olamaz.');
    const tokenHash = hashToken(refreshToken);
    const invalid = () =>
      new TokenRequestError('invalid_grant', 'H252', 'Yenileme jetonu geçersiz veya süresi dolmuş.');
    const token = await users.findRefreshToken(tokenHash, clock());
    if (!token || token.providerStatus !== 'active') throw invalid();
    // Rotation: a refresh token works once. Presented again, by whoever copied it or by its owner after a
    // thief used it first, it cannot tell who is who: the whole sign-in ends, and the owner signs in anew.
    if (token.usedAt || !(await users.useRefreshToken(tokenHash, clock()))) {
      await users.revokeTokenFamily(token.family);
      throw invalid();
    }
    return issue(token.apiUserId, token.family);
  }

  return {
    async grantTokens(request: TokenRequest): Promise<IssuedTokens> {
      const { grantType } = request;
      if (grantType === undefined || grantType === null) {
        throw new TokenRequestError('invalid_request', 'H252', 'Giriş yöntemi belirtilmemiş.');
      }
      if (grantType === '')
        throw new TokenRequestError('invalid_request', 'H252', 'Giriş yöntemi boş olamaz.');
      if (grantType === 'password') return passwordGrant(request.username, request.password);
      if (grantType === 'refresh_token') return refreshGrant(request.refreshToken);
      throw new TokenRequestError('unsupported_grant_type', 'H252', 'Desteklenmeyen giriş yöntemi.');
    },

    /** The owner of a live access token, or undefined; suspended providers' tokens stop working at once. */
    async authenticate(accessToken: string): Promise<TokenOwner | undefined> {
      const owner = await users.findTokenOwner(hashToken(accessToken), 'access', clock());
      return owner?.providerStatus === 'active' ? owner : undefined;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
