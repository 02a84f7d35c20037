import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** The codes behind `/r/<code>`: which ONAY events a notice's link may refuse, until when. */
export function createShortLinkRepository(db: Kysely<Database>) {
  return {
    insert: async (
      executor: Executor,
      rows: Array<{ code: string; eventIds: string[]; expiresAt: Date }>,
    ) => {
      if (rows.length > 0)
        await executor
          .insertInto('short_links')
          .values(rows.map((r) => ({ code: r.code, event_ids: r.eventIds, expires_at: r.expiresAt })))
          .execute();
    },

    /** The event ids of a code still valid at `now`. */
    find: async (code: string, now: Date): Promise<string[] | undefined> =>
      (
        await db
          .selectFrom('short_links')
          .select('event_ids')
          .where('code', '=', code)
          .where('expires_at', '>', now)
          .executeTakeFirst()
      )?.event_ids,

    deleteExpired: async (now: Date): Promise<number> =>
      Number(
        (await db.deleteFrom('short_links').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows,
      ),
  };
}

export type ShortLinkRepository = ReturnType<typeof createShortLinkRepository>;
