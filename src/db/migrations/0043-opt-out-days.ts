import { sql, type Kysely } from 'kysely';

/**
 * The public page's opt-out figures, tallied per brand and day once they can no longer change (issue 11).
 * A citizen's refusal (RET with an IYS_* source) is "due" a day after it is recorded, and "reached" if the
 * company pulled it from its changes feed or took its webhook delivery within that day; both are settled
 * two days after the day it was recorded. The page read every refusal ever recorded, each with two
 * look-ups, once a minute in every process: minutes a time at national scale.
 *
 * Now a job tallies each settled UTC day into `opt_out_days`, moving `opt_out_tally.tallied_before` (a UTC
 * midnight) forward in the same statement, and the page adds the tally to the refusals after it: at most
 * three days of them. A refusal purged by retention stays in the tally, as the company's record of the past.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE opt_out_days (
      brand_id  integer NOT NULL,
      day       date NOT NULL, -- the UTC day the refusals were recorded
      due       integer NOT NULL,
      reached   integer NOT NULL,
      PRIMARY KEY (brand_id, day)
    );
    CREATE TABLE opt_out_tally (
      only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      tallied_before  timestamptz NOT NULL
    );
    INSERT INTO opt_out_tally (tallied_before) VALUES ('-infinity');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE opt_out_tally, opt_out_days`.execute(db);
}
