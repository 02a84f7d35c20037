import { sql, type Kysely } from 'kysely';

/**
 * The regulator can block a brand whose name misuses the registry's own messages (or whose company
 * misbehaves): while blocked it records no new ONAY and the registry sends no notice naming it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE brands ADD COLUMN blocked_at timestamptz, ADD COLUMN blocked_reason text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE brands DROP COLUMN blocked_at, DROP COLUMN blocked_reason`.execute(db);
}
