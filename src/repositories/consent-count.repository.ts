import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/** The consent counts the database keeps per brand and status (migration 0042). */
export function createConsentCountRepository(db: Kysely<Database>) {
  return {
    /**
     * Replaces the rows of each (brand, status) by their sum, in one statement; returns how many rows it
     * folded. The sum is of the rows this statement's snapshot sees, and only those are deleted: a change
     * appended meanwhile stays for the next fold, and two folds at once delete disjoint rows (the later
     * skips what the earlier deleted), so a count never moves.
     */
    fold: async (): Promise<number> => {
      const { rows } = await sql<{ folded: number }>`
        WITH folded AS (
          DELETE FROM consent_counts RETURNING brand_id, status, n
        ), summed AS (
          INSERT INTO consent_counts (brand_id, status, n)
          SELECT brand_id, status, sum(n) FROM folded GROUP BY brand_id, status HAVING sum(n) <> 0
        )
        SELECT count(*)::int AS folded FROM folded`.execute(db);
      return rows[0]!.folded;
    },

    /** Consents per brand and status: the sums of their rows. */
    byBrand: async (): Promise<Array<{ brand_id: number; status: string; n: number }>> =>
      (
        await sql<{ brand_id: number; status: string; n: number }>`
          SELECT brand_id, status, sum(n)::float8 AS n FROM consent_counts
          GROUP BY brand_id, status HAVING sum(n) <> 0 ORDER BY brand_id, status`.execute(db)
      ).rows,
  };
}

export type ConsentCountRepository = ReturnType<typeof createConsentCountRepository>;
