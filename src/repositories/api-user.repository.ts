import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

export interface TokenOwner {
  apiUserId: number;
  username: string;
  providerId: number;
  iysCode: number;
  providerStatus: 'pending' | 'active' | 'suspended';
}

export function createApiUserRepository(db: Kysely<Database>) {
  const ownerColumns = [
    'u.id as apiUserId',
    'u.username as username',
    'p.id as providerId',
    'p.iys_code as iysCode',
    'p.status as providerStatus',
  ] as const;

  return {
    insertApiUser: (row: { provider_id: number; username: string; password_hash: string }) =>
      db.insertInto('api_users').values(row).returning(['id', 'username']).executeTakeFirstOrThrow(),

    findActiveApiUser: (username: string) =>
      db
        .selectFrom('api_users as u')
        .innerJoin('providers as p', 'p.id', 'u.provider_id')
        .select([...ownerColumns, 'u.password_hash as passwordHash'])
        .where('u.username', '=', username)
        .where('u.revoked_at', 'is', null)
        .executeTakeFirst(),

    insertToken: (row: {
      token_hash: Buffer;
      kind: 'access' | 'refresh';
      api_user_id: number;
      expires_at: Date;
      family: string;
    }) => db.insertInto('api_tokens').values(row).execute(),

    /** The owner of a live token of this kind, if its user has not been revoked. */
    findTokenOwner: (
      tokenHash: Buffer,
      kind: 'access' | 'refresh',
      now: Date,
    ): Promise<TokenOwner | undefined> =>
      db
        .selectFrom('api_tokens as t')
        .innerJoin('api_users as u', 'u.id', 't.api_user_id')
        .innerJoin('providers as p', 'p.id', 'u.provider_id')
        .select(ownerColumns)
        .where('t.token_hash', '=', tokenHash)
        .where('t.kind', '=', kind)
        .where('t.expires_at', '>', now)
        .where('t.used_at', 'is', null)
        .where('u.revoked_at', 'is', null)
        .executeTakeFirst(),

    /** A live refresh token with its family, used or not (a used one presented again means theft). */
    findRefreshToken: (tokenHash: Buffer, now: Date) =>
      db
        .selectFrom('api_tokens as t')
        .innerJoin('api_users as u', 'u.id', 't.api_user_id')
        .innerJoin('providers as p', 'p.id', 'u.provider_id')
        .select([...ownerColumns, 't.family as family', 't.used_at as usedAt'])
        .where('t.token_hash', '=', tokenHash)
        .where('t.kind', '=', 'refresh')
        .where('t.expires_at', '>', now)
        .where('u.revoked_at', 'is', null)
        .executeTakeFirst(),

    /** Marks a refresh token used; true only for the one caller that used it (rotation, no replay). */
    useRefreshToken: async (tokenHash: Buffer, now: Date): Promise<boolean> => {
      const result = await db
        .updateTable('api_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Ends every access and refresh token of a sign-in. */
    revokeTokenFamily: (family: string) => db.deleteFrom('api_tokens').where('family', '=', family).execute(),

    listApiUsers: (providerId: number) =>
      db
        .selectFrom('api_users')
        .select(['id', 'username', 'created_at', 'revoked_at'])
        .where('provider_id', '=', providerId)
        .orderBy('id')
        .execute(),

    /** Revokes a user of this provider; its tokens stop working at once (lookups require revoked_at null). */
    revokeApiUser: async (providerId: number, id: number, now: Date): Promise<boolean> => {
      const result = await db
        .updateTable('api_users')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('provider_id', '=', providerId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    deleteExpiredTokens: (now: Date) => db.deleteFrom('api_tokens').where('expires_at', '<=', now).execute(),
  };
}

export type ApiUserRepository = ReturnType<typeof createApiUserRepository>;
