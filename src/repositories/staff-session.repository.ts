import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/** The regulator console's sessions, each bound to the staff key it was opened with. */
export function createStaffSessionRepository(db: Kysely<Database>) {
  return {
    insert: (session: { tokenHash: Buffer; keyHash: Buffer; csrfToken: string; expiresAt: Date }) =>
      db
        .insertInto('staff_sessions')
        .values({
          token_hash: session.tokenHash,
          key_hash: session.keyHash,
          csrf_token: session.csrfToken,
          expires_at: session.expiresAt,
        })
        .execute(),

    /** A live session of a key that is not revoked, with who holds it. */
    find: (tokenHash: Buffer, now: Date) =>
      db
        .selectFrom('staff_sessions as s')
        .innerJoin('regulator_keys as k', 'k.key_hash', 's.key_hash')
        .select(['k.name', 'k.role', 's.csrf_token'])
        .where('s.token_hash', '=', tokenHash)
        .where('s.expires_at', '>', now)
        .where('k.revoked_at', 'is', null)
        .executeTakeFirst(),

    delete: (tokenHash: Buffer) =>
      db.deleteFrom('staff_sessions').where('token_hash', '=', tokenHash).execute(),

    deleteExpired: async (now: Date): Promise<number> =>
      Number(
        (await db.deleteFrom('staff_sessions').where('expires_at', '<=', now).executeTakeFirst())
          .numDeletedRows,
      ),
  };
}

export type StaffSessionRepository = ReturnType<typeof createStaffSessionRepository>;
