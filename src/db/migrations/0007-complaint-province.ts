import { sql, type Kysely } from 'kysely';

/** The citizen's province (plate code) on a complaint, for the regulator's geographic view. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE complaints ADD COLUMN province text CHECK (province ~ '^[0-9]{2}$');
    CREATE INDEX complaints_province_idx ON complaints (province);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE complaints DROP COLUMN province`.execute(db);
}
