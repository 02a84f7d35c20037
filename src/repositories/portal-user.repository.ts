import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database, PortalRole, PortalUsersTable } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;
export type PortalUserRow = Selectable<PortalUsersTable>;

/** Provider portal users, their one-time password links and their sessions. */
export function createPortalUserRepository(db: Kysely<Database>) {
  return {
    insertUser: (executor: Executor, row: Insertable<PortalUsersTable>) =>
      executor.insertInto('portal_users').values(row).returningAll().executeTakeFirstOrThrow(),

    /** The user with this e-mail, and whether their company may use the portal (it may be suspended). */
    findUserByEmailKey: (emailKey: Buffer) =>
      db
        .selectFrom('portal_users as u')
        .innerJoin('providers as p', 'p.id', 'u.provider_id')
        .selectAll('u')
        .select('p.status as provider_status')
        .where('u.email_key', '=', emailKey)
        .executeTakeFirst(),

    findUser: (id: number) =>
      db.selectFrom('portal_users').selectAll().where('id', '=', id).executeTakeFirst(),

    listUsers: (providerId: number) =>
      db.selectFrom('portal_users').selectAll().where('provider_id', '=', providerId).orderBy('id').execute(),

    updateUser: (
      executor: Executor,
      id: number,
      changes: Partial<
        Pick<PortalUserRow, 'password_hash' | 'totp_secret_enc' | 'disabled_at'> & { role: PortalRole }
      >,
    ) => executor.updateTable('portal_users').set(changes).where('id', '=', id).execute(),

    insertInvitation: (
      executor: Executor,
      row: { token_hash: Buffer; portal_user_id: number; expires_at: Date },
    ) => executor.insertInto('portal_invitations').values(row).execute(),

    /** Spends a one-time link: returns its user when it was unused and unexpired, and marks it used. */
    consumeInvitation: async (trx: Transaction<Database>, tokenHash: Buffer, now: Date) => {
      const row = await trx
        .updateTable('portal_invitations')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('portal_user_id')
        .executeTakeFirst();
      return row?.portal_user_id;
    },

    insertSession: (row: {
      token_hash: Buffer;
      portal_user_id: number;
      csrf_token: string;
      expires_at: Date;
    }) => db.insertInto('portal_sessions').values(row).execute(),

    findSession: (tokenHash: Buffer, now: Date) =>
      db
        .selectFrom('portal_sessions as s')
        .innerJoin('portal_users as u', 'u.id', 's.portal_user_id')
        .innerJoin('providers as p', 'p.id', 'u.provider_id')
        .leftJoin('retailers as r', 'r.id', 'u.retailer_id')
        .select(['u.id as user_id', 'u.name', 'u.role', 'u.provider_id', 'p.iys_code', 'p.title'])
        .select(['s.csrf_token', 'u.totp_secret_enc'])
        .select([
          'r.id as retailer_id',
          'r.retailer_code',
          'r.brand_id as retailer_brand_id',
          'r.title as retailer_title',
        ])
        .where('s.token_hash', '=', tokenHash)
        .where('s.expires_at', '>', now)
        .where('u.disabled_at', 'is', null)
        .where('p.status', '=', 'active')
        .executeTakeFirst(),

    deleteSession: (tokenHash: Buffer) =>
      db.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash).execute(),

    /** A user's recovery codes, replaced as a set (the old ones stop working). */
    replaceRecoveryCodes: async (executor: Executor, userId: number, codeHashes: Buffer[]) => {
      await executor.deleteFrom('portal_recovery_codes').where('portal_user_id', '=', userId).execute();
      if (codeHashes.length > 0)
        await executor
          .insertInto('portal_recovery_codes')
          .values(codeHashes.map((code_hash) => ({ portal_user_id: userId, code_hash })))
          .execute();
    },

    /** Spends one unused recovery code; false when there is none such (wrong, or used before). */
    spendRecoveryCode: async (userId: number, codeHash: Buffer, now: Date) =>
      (
        await db
          .updateTable('portal_recovery_codes')
          .set({ used_at: now })
          .where('portal_user_id', '=', userId)
          .where('code_hash', '=', codeHash)
          .where('used_at', 'is', null)
          .executeTakeFirst()
      ).numUpdatedRows === 1n,

    countUnusedRecoveryCodes: async (userId: number) =>
      Number(
        (
          await db
            .selectFrom('portal_recovery_codes')
            .select((eb) => eb.fn.countAll<string>().as('left'))
            .where('portal_user_id', '=', userId)
            .where('used_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).left,
      ),

    /** Ends every session of a user (password set anew, user disabled). */
    deleteSessionsOf: (executor: Executor, userId: number) =>
      executor.deleteFrom('portal_sessions').where('portal_user_id', '=', userId).execute(),
  };
}

export type PortalUserRepository = ReturnType<typeof createPortalUserRepository>;
