import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { acceptBulk, bulkItem, migratingSystem } from '../../../test/helpers/system.js';
import { migrateTo, migrateToLatest } from '../migrate.js';
import { toJsonStoredItem, unpackItems } from '../packed-items.js';
import { grantServingRole } from '../serving-role.js';

const s = migratingSystem();

test('a request stored packed goes back to JSON and forth with its items whole, and is then applied', async () => {
  const { t, owner, token } = s;
  const requestId = await acceptBulk(t, token, [
    bulkItem('+905330008001'),
    bulkItem('+905330008002', { retailerAccess: [3, 5] }),
    bulkItem('ali.veli@example.com', { type: 'EPOSTA', status: 'RET' }),
  ]);
  const stored = async () =>
    (
      await sql<{ items: unknown; items_packed: Buffer | null }>`
        SELECT items, items_packed FROM bulk_requests WHERE id = ${requestId}`.execute(owner)
    ).rows[0]!;
  const packed = await stored();
  assert.equal(packed.items, null);
  const items = unpackItems(packed.items_packed!);

  await migrateTo(owner, '0048-bulk-ids-uncompressed');
  const json = await sql<{ items: unknown }>`SELECT items FROM bulk_requests WHERE id = ${requestId}`.execute(
    owner,
  );
  assert.deepEqual(json.rows[0]!.items, items.map(toJsonStoredItem));

  await migrateToLatest(owner);
  await grantServingRole(owner, new URL(t.database.url).username);
  assert.equal((await stored()).items_packed, null, 'it stays JSON, and is applied from it');
  assert.equal(await t.system.bulk.processBulkRequest(requestId), 3);
  const failures = await sql<{ item: number; code: string }>`
    SELECT item, code FROM bulk_item_failures WHERE request_id = ${requestId} ORDER BY item`.execute(owner);
  // The second names retailers the brand does not have (H180): its access list came through; the RET of a
  // person never recorded fails by the rules (H175); the first is applied.
  assert.deepEqual(
    failures.rows.map((f) => [f.item, f.code]),
    [
      [1, 'H180'],
      [2, 'H175'],
    ],
  );
});
