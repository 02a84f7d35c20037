import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import {
  acceptBulk,
  ownerDatabase,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../test/helpers/system.js';
import { migrateTo, migrateToLatest } from '../migrate.js';
import { toJsonStoredItem, unpackItems } from '../packed-items.js';
import { grantServingRole } from '../serving-role.js';

let t: TestSystem;
let owner: Kysely<unknown>;
let token: string;

before(async () => {
  t = await startTestSystem({ workers: false });
  owner = ownerDatabase(t);
  token = await t.token();
});
after(async () => {
  await owner.destroy();
  await t.close();
});

const consent = (recipient: string, over: object = {}) => ({
  recipient,
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status: 'ONAY',
  source: 'HS_WEB',
  consentDate: recentWireDate(120_000),
  ...over,
});

test('a request stored packed goes back to JSON and forth with its items whole, and is then applied', async () => {
  const requestId = await acceptBulk(t, token, [
    consent('+905330008001'),
    consent('+905330008002', { retailerAccess: [3, 5] }),
    consent('ali.veli@example.com', { type: 'EPOSTA', status: 'RET', source: 'HS_WEB' }),
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
