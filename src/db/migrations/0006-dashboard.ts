import { sql, type Kysely } from 'kysely';

/** Gateway checks per Türkiye day, allowed and blocked: counters flushed by each server every few seconds. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE gateway_check_days (
      day      date PRIMARY KEY,
      allowed  bigint NOT NULL DEFAULT 0,
      blocked  bigint NOT NULL DEFAULT 0
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE gateway_check_days`.execute(db);
}
