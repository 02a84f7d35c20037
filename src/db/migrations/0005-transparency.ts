import { sql, type Kysely } from 'kysely';

/** When each provider pulled which citizen-side movements: the basis of "opt-outs that reached it in a day". */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE feed_pulls (
      brand_id         integer NOT NULL REFERENCES brands (id),
      up_to_event_id   bigint NOT NULL,
      pulled_at        timestamptz NOT NULL
    );
    CREATE INDEX feed_pulls_brand_idx ON feed_pulls (brand_id, up_to_event_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE feed_pulls`.execute(db);
}
