import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import {
  acceptBulk,
  ownerDatabase,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../test/helpers/system.js';
import { migrateTo, migrateToLatest } from '../db/migrate.js';
import { grantServingRole } from '../db/serving-role.js';
import { createConsentCountRepository } from './consent-count.repository.js';

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

const counts = () => createConsentCountRepository(t.system.database.db);
const phone = (i: number) => `+90534${String(i).padStart(7, '0')}`;
/** A record; a later movement of the same consent must carry a later consentDate (`ago`, ms). */
const consent = (i: number, type: string, status: string, ago = 120_000) => ({
  recipient: phone(i),
  recipientType: 'BIREYSEL',
  type,
  status,
  source: 'HS_WEB',
  consentDate: recentWireDate(ago),
});

/** Accepts a bulk request through the API; it is applied when the test says so. */
const accept = (items: object[]) => acceptBulk(t, token, items);

/** What counting the projection's rows says, in the kept counts' shape. */
async function counted(): Promise<Array<{ brand_id: number; status: string; n: number }>> {
  const { rows } = await sql<{ brand_id: number; status: string; n: number }>`
    SELECT brand_id, status, count(*)::float8 AS n FROM consents
    GROUP BY brand_id, status ORDER BY brand_id, status`.execute(owner);
  return rows;
}

const rowsKept = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM consent_counts`.execute(owner)).rows[0]!.n);

test('the kept counts follow every write of the projection, and a fold keeps them while shrinking them', async () => {
  // 40 people on two channels: 80 ONAYs, then 15 of them refused, then the same refusals sent again
  // (no change of status), then ONAY again for 5 of them.
  await t.system.bulk.processBulkRequest(
    await accept(
      Array.from({ length: 40 }, (_, i) => [consent(i, 'MESAJ', 'ONAY'), consent(i, 'ARAMA', 'ONAY')]).flat(),
    ),
  );
  const refusals = Array.from({ length: 15 }, (_, i) => consent(i, 'MESAJ', 'RET', 60_000));
  await t.system.bulk.processBulkRequest(await accept(refusals));
  await t.system.bulk.processBulkRequest(await accept(refusals));
  await t.system.bulk.processBulkRequest(
    await accept(Array.from({ length: 5 }, (_, i) => consent(i, 'MESAJ', 'ONAY', 30_000))),
  );
  const truth = await counted();
  assert.deepEqual(
    truth.map((r) => [r.status, r.n]),
    [
      ['ONAY', 70],
      ['RET', 10],
    ],
  );
  assert.deepEqual(await counts().byBrand(), truth);
  const before = await rowsKept();
  assert.ok(before > truth.length, `the changes are appended as rows (${before})`);

  assert.equal(await counts().fold(), before);
  assert.equal(await rowsKept(), truth.length);
  assert.deepEqual(await counts().byBrand(), truth);
  assert.equal(await counts().fold(), truth.length, 'a second fold finds only the sums');
  assert.deepEqual(await counts().byBrand(), truth);
});

test('deleting consents (as the retention purge does) lowers the counts; a truncate empties them', async () => {
  await sql`DELETE FROM consents WHERE status = 'RET'`.execute(owner);
  const truth = await counted();
  assert.deepEqual(
    truth.map((r) => r.status),
    ['ONAY'],
  );
  assert.deepEqual(await counts().byBrand(), truth);
  await counts().fold();
  assert.deepEqual(await counts().byBrand(), truth);

  await sql`TRUNCATE consents`.execute(owner);
  assert.deepEqual(await counts().byBrand(), []);
  assert.equal(await rowsKept(), 0);
});

test('two write lanes of a brand and folds running beside them never lose a change', async () => {
  // Two requests spread over both write lanes (each lane a transaction of its own, both at once), applied
  // while folds run in a loop.
  const first = await accept(Array.from({ length: 300 }, (_, i) => consent(1_000 + i, 'MESAJ', 'ONAY')));
  const second = await accept(Array.from({ length: 300 }, (_, i) => consent(2_000 + i, 'ARAMA', 'ONAY')));
  let applying = true;
  let folds = 0;
  const folding = (async () => {
    while (applying) {
      await counts().fold();
      folds++;
    }
  })();
  await Promise.all([t.system.bulk.processBulkRequest(first), t.system.bulk.processBulkRequest(second)]);
  applying = false;
  await folding;
  assert.ok(folds > 0);
  const truth = await counted();
  assert.deepEqual(await counts().byBrand(), truth);
  await Promise.all([counts().fold(), counts().fold(), counts().fold()]);
  assert.deepEqual(await counts().byBrand(), truth);
  assert.equal(await rowsKept(), truth.length);
});

test('the migration counts the consents already stored', async () => {
  const truth = await counted();
  await migrateTo(owner, '0041-migration-uploads');
  assert.equal(
    (await sql<{ t: string | null }>`SELECT to_regclass('consent_counts')::text AS t`.execute(owner)).rows[0]!
      .t,
    null,
  );
  await migrateToLatest(owner);
  await grantServingRole(owner, new URL(t.database.url).username);
  assert.equal(await rowsKept(), truth.length);
  assert.deepEqual(await counts().byBrand(), truth);
  // And the triggers are back: a new consent is counted.
  await t.system.bulk.processBulkRequest(await accept([consent(9_999, 'MESAJ', 'ONAY')]));
  assert.deepEqual(await counts().byBrand(), await counted());
});
