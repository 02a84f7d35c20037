import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Citizens, their verified addresses, sessions and one-time-code challenges. */
export function createCitizenRepository(db: Kysely<Database>) {
  return {
    insertCitizen: (executor: Executor, id: string) =>
      executor.insertInto('citizens').values({ id }).execute(),

    /**
     * The account of an identity proven by the identity provider (by the keyed hash of its national id),
     * opened as `newId` on its first visit; two first visits at once get the same account.
     */
    accountOfIdentity: async (executor: Executor, identityHash: Buffer, newId: string): Promise<string> => {
      await executor
        .insertInto('citizens')
        .values({ id: newId, identity_hash: identityHash })
        .onConflict((oc) => oc.column('identity_hash').doNothing())
        .execute();
      const row = await executor
        .selectFrom('citizens')
        .select('id')
        .where('identity_hash', '=', identityHash)
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** The account an address signs in to: the one that verified it first. */
    findCitizenByAddress: async (recipientKey: Buffer): Promise<string | undefined> => {
      const row = await db
        .selectFrom('citizen_addresses')
        .select('citizen_id')
        .where('recipient_key', '=', recipientKey)
        .orderBy('verified_at')
        .limit(1)
        .executeTakeFirst();
      return row?.citizen_id;
    },

    addAddress: (executor: Executor, citizenId: string, recipientKey: Buffer, verifiedAt: Date) =>
      executor
        .insertInto('citizen_addresses')
        .values({ citizen_id: citizenId, recipient_key: recipientKey, verified_at: verifiedAt })
        .onConflict((oc) => oc.columns(['citizen_id', 'recipient_key']).doNothing())
        .execute(),

    removeAddress: async (citizenId: string, recipientKey: Buffer): Promise<boolean> => {
      const result = await db
        .deleteFrom('citizen_addresses')
        .where('citizen_id', '=', citizenId)
        .where('recipient_key', '=', recipientKey)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    listAddresses: (citizenId: string) =>
      db
        .selectFrom('citizen_addresses as a')
        .innerJoin('recipients as r', 'r.recipient_key', 'a.recipient_key')
        .select(['a.recipient_key', 'r.address_enc', 'r.kind', 'a.verified_at'])
        .where('a.citizen_id', '=', citizenId)
        .orderBy('a.verified_at')
        .execute(),

    hasAddress: async (citizenId: string, recipientKey: Buffer): Promise<boolean> =>
      (await db
        .selectFrom('citizen_addresses')
        .select('citizen_id')
        .where('citizen_id', '=', citizenId)
        .where('recipient_key', '=', recipientKey)
        .executeTakeFirst()) !== undefined,

    insertSession: (row: { token_hash: Buffer; citizen_id: string; csrf_token: string; expires_at: Date }) =>
      db.insertInto('citizen_sessions').values(row).execute(),

    findSession: (tokenHash: Buffer, now: Date) =>
      db
        .selectFrom('citizen_sessions')
        .select(['citizen_id', 'csrf_token', 'expires_at'])
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', now)
        .executeTakeFirst(),

    deleteSession: (tokenHash: Buffer) =>
      db.deleteFrom('citizen_sessions').where('token_hash', '=', tokenHash).execute(),

    insertChallenge: (
      executor: Executor,
      row: {
        id: string;
        purpose: 'sign-in' | 'add-address';
        citizen_id: string | null;
        recipient_key: Buffer;
        code_hash: Buffer;
        expires_at: Date;
        created_at: Date;
      },
    ) => executor.insertInto('otp_challenges').values(row).execute(),

    /** Codes sent to an address since `since`, newest first (rate limits). */
    listChallengeTimes: async (recipientKey: Buffer, since: Date): Promise<Date[]> => {
      const rows = await db
        .selectFrom('otp_challenges')
        .select('created_at')
        .where('recipient_key', '=', recipientKey)
        .where('created_at', '>=', since)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((r) => r.created_at);
    },

    lockChallenge: (trx: Transaction<Database>, id: string) =>
      trx.selectFrom('otp_challenges').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

    countAttempt: (trx: Transaction<Database>, id: string) =>
      trx
        .updateTable('otp_challenges')
        .set({ attempts: sql`attempts + 1` })
        .where('id', '=', id)
        .execute(),

    consumeChallenge: (trx: Transaction<Database>, id: string, now: Date) =>
      trx.updateTable('otp_challenges').set({ consumed_at: now }).where('id', '=', id).execute(),
  };
}

export type CitizenRepository = ReturnType<typeof createCitizenRepository>;
