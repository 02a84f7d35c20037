import { sql, type Kysely } from 'kysely';

/**
 * Short links for consent notices (issue 13: a notice fits one SMS). The link was a signed token of about
 * 100 characters; it is now a 10-character random code (about 59 bits) standing for the same list of ONAY
 * events, so `<public URL>/r/<code>` stays under 40 characters for a host name of up to 26. Written in the
 * transaction that writes the notice; links sent before keep working as signed tokens. Rows past
 * `expires_at` are useless and removed by the hourly clean-up.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE short_links (
      code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9]{10}$'),
      event_ids   bigint[] NOT NULL CHECK (cardinality(event_ids) BETWEEN 1 AND 10),
      expires_at  timestamptz NOT NULL
    );
    CREATE INDEX short_links_expires_idx ON short_links (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE short_links`.execute(db);
}
