import { sql, type Kysely } from 'kysely';

/**
 * Consents per brand and status, kept by the database as the projection moves (issue 11). The public
 * transparency page (no sign-in) and the regulator's dashboard counted a brand's rows of `consents` on
 * every view: 3–5 views a second at 1 M consents (`bench -- counts`), minutes a view at national scale.
 *
 * Statement triggers on `consents` append, per statement, one row for each (brand, status) whose count it
 * changed, with the change. Appending never waits on another writer, so the two write lanes of a brand, a
 * purge and a citizen's refusal never meet here (one counter row per brand would serialise them all).
 * `consent_counts` therefore holds several rows per (brand, status); a reader sums them, and the fold job
 * (fold below, run by the worker) replaces them by their sums. Every path that changes `consents` is
 * counted, SQL by hand included, because the database does it.
 *
 * The page's other figures, citizens' opt-outs and whether the company took them within a day, read only
 * those refusals through a partial index, instead of the whole log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE consent_counts (
      brand_id integer NOT NULL,
      status   text NOT NULL,
      n        bigint NOT NULL
    );

    CREATE FUNCTION consent_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO consent_counts (brand_id, status, n)
        SELECT brand_id, status, count(*) FROM inserted GROUP BY brand_id, status;
      RETURN NULL;
    END $$;
    -- Rows whose status did not change cancel out: a refusal sent again, a retailer's access added.
    CREATE FUNCTION consent_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO consent_counts (brand_id, status, n)
        SELECT brand_id, status, sum(n) FROM (
          SELECT brand_id, status, -1 AS n FROM before_update
          UNION ALL
          SELECT brand_id, status, 1 AS n FROM after_update
        ) moved
        GROUP BY brand_id, status HAVING sum(n) <> 0;
      RETURN NULL;
    END $$;
    CREATE FUNCTION consent_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO consent_counts (brand_id, status, n)
        SELECT brand_id, status, -count(*) FROM deleted GROUP BY brand_id, status;
      RETURN NULL;
    END $$;
    CREATE FUNCTION consent_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM consent_counts;
      RETURN NULL;
    END $$;

    CREATE TRIGGER consent_counts_insert AFTER INSERT ON consents
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION consent_counts_inserted();
    CREATE TRIGGER consent_counts_update AFTER UPDATE ON consents
      REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update
      FOR EACH STATEMENT EXECUTE FUNCTION consent_counts_updated();
    CREATE TRIGGER consent_counts_delete AFTER DELETE ON consents
      REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION consent_counts_deleted();
    CREATE TRIGGER consent_counts_truncate AFTER TRUNCATE ON consents
      FOR EACH STATEMENT EXECUTE FUNCTION consent_counts_truncated();

    -- The page's opt-out figures judge each citizen refusal (RET with an IYS_* source) older than a day;
    -- they are a small share of the log, which the figures' query otherwise read whole.
    CREATE INDEX consent_events_opt_out_idx ON consent_events (creation_date)
      WHERE status = 'RET' AND source LIKE 'IYS\\_%';

    -- Under the projection's share lock, so no write slips between the count and the triggers' first row.
    LOCK TABLE consents IN SHARE MODE;
    INSERT INTO consent_counts (brand_id, status, n)
      SELECT brand_id, status, count(*) FROM consents GROUP BY brand_id, status;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX consent_events_opt_out_idx;
    DROP TRIGGER consent_counts_insert ON consents;
    DROP TRIGGER consent_counts_update ON consents;
    DROP TRIGGER consent_counts_delete ON consents;
    DROP TRIGGER consent_counts_truncate ON consents;
    DROP FUNCTION consent_counts_inserted(), consent_counts_updated(), consent_counts_deleted(),
      consent_counts_truncated();
    DROP TABLE consent_counts;
  `.execute(db);
}
