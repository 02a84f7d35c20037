import { sql, type Kysely } from 'kysely';
import { toJsonStoredItem, unpackItems } from '../packed-items.js';

/**
 * A bulk request's items are stored packed (src/services/bulk-accept/packed-items.ts), out of line as they
 * are, instead of as JSON: ~120 bytes an item instead of ~230, which PostgreSQL no longer checks as JSON, and
 * which the writer reads back without parsing text. Requests accepted before keep their JSON and are
 * applied from it; each row holds exactly one of the two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE bulk_requests
              ADD COLUMN items_packed bytea,
              ALTER COLUMN items_packed SET STORAGE EXTERNAL,
              ALTER COLUMN items DROP NOT NULL,
              ADD CONSTRAINT bulk_requests_items_one CHECK (num_nonnulls(items, items_packed) = 1)`.execute(
    db,
  );
}

/** Back to JSON for every request stored packed first, so the versions before this one can apply and answer them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ id: string; items_packed: Buffer }>`
      SELECT id, items_packed FROM bulk_requests WHERE items_packed IS NOT NULL LIMIT 100`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) {
      const json = JSON.stringify(unpackItems(row.items_packed).map(toJsonStoredItem));
      await sql`UPDATE bulk_requests SET items = ${json}::json, items_packed = NULL WHERE id = ${row.id}`.execute(
        db,
      );
    }
  }
  await sql`ALTER TABLE bulk_requests
              DROP CONSTRAINT bulk_requests_items_one,
              ALTER COLUMN items SET NOT NULL,
              DROP COLUMN items_packed`.execute(db);
}
