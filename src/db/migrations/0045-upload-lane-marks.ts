import { sql, type Kysely } from 'kysely';

/**
 * An upload is applied in its write lanes at once (one transaction per lane and batch, see the upload
 * service), so "applied up to row n" is per lane: `lane_rows_done[lane + 1]` is the data row through
 * which every row of that lane is committed. `rows_done` stays the count of rows done, for progress.
 * An upload under way before this migration was applied through `rows_done` in every lane.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consent_uploads ADD COLUMN lane_rows_done integer[] NOT NULL DEFAULT '{0,0}'`.execute(
    db,
  );
  await sql`UPDATE consent_uploads SET lane_rows_done = ARRAY[rows_done, rows_done] WHERE rows_done > 0`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Back to one mark: what every lane has done for certain. An upload stopped with its lanes at different
  // rows then applies the faster lane's rows between the two again, which the rules take as repeats.
  await sql`UPDATE consent_uploads SET rows_done = (SELECT min(m) FROM unnest(lane_rows_done) AS m)
            WHERE status IN ('queued', 'processing')`.execute(db);
  await sql`ALTER TABLE consent_uploads DROP COLUMN lane_rows_done`.execute(db);
}
