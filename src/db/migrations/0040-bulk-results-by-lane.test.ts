import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import {
  acceptBulk,
  DEMO,
  ownerDatabase,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../test/helpers/system.js';
import { migrateTo, migrateToLatest } from '../migrate.js';
import { grantServingRole } from '../serving-role.js';

let t: TestSystem;
let owner: Kysely<unknown>;
let token: string;
const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;

before(async () => {
  t = await startTestSystem({ workers: false });
  owner = ownerDatabase(t);
  token = await t.token();
});
after(async () => {
  await owner.destroy();
  await t.close();
});

const authorization = () => ({ authorization: `Bearer ${token}` });
const accept = (items: object[]) => acceptBulk(t, token, items);
const results = async (requestId: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `${base}/consents/request/${requestId}`,
      headers: authorization(),
    })
  ).json();

const consent = (recipient: string, status: string) => ({
  recipient,
  recipientType: 'BIREYSEL',
  type: 'MESAJ',
  status,
  source: 'HS_WEB',
  consentDate: recentWireDate(120_000),
});

test('results survive a rollback to the results document and back: successes, failures and pending items', async () => {
  // Twelve people spread over both write lanes; the RET of someone never recorded is a rule failure (H175).
  const people = Array.from({ length: 12 }, (_, i) => `+90533${String(7_000 + i).padStart(7, '0')}`);
  const applied = await accept([
    ...people.slice(0, 10).map((p) => consent(p, 'ONAY')),
    consent(people[10]!, 'RET'),
  ]);
  assert.equal(await t.system.bulk.processBulkRequest(applied), 11);
  const waiting = await accept([consent(people[11]!, 'ONAY')]);
  const lanes = await sql<{ lanes: Buffer }>`
    SELECT item_lanes AS lanes FROM bulk_requests WHERE id = ${applied}`.execute(owner);
  assert.equal(new Set(lanes.rows[0]!.lanes).size, 2, 'the request spans both write lanes');
  const before = [await results(applied), await results(waiting)];
  assert.deepEqual(
    before[0].map((r: { status: string }) => r.status),
    [...Array(10).fill('success'), 'failure'],
  );
  assert.equal(before[0][10].error.code, 'H175');
  assert.deepEqual(
    before[1].map((r: { status: string }) => r.status),
    ['enqueue'],
  );

  await migrateTo(owner, '0039-index-follows-log');
  const { rows } = await sql<{
    id: string;
    results: unknown[];
  }>`SELECT id, results FROM bulk_requests`.execute(owner);
  const document = new Map(rows.map((r) => [r.id, r.results]));
  assert.deepEqual(document.get(waiting), [null]);
  const oldResults = document.get(applied) as Array<{ ok: boolean; code?: string } | null>;
  assert.deepEqual(
    oldResults.map((r) => r?.ok),
    [...Array(10).fill(true), false],
  );
  assert.equal(oldResults[10]!.code, 'H175');

  await migrateToLatest(owner);
  await grantServingRole(owner, new URL(t.database.url).username);
  assert.deepEqual([await results(applied), await results(waiting)], before);

  // The converted request that was waiting is applied as any other.
  assert.equal(await t.system.bulk.processBulkRequest(waiting), 1);
  assert.deepEqual(
    (await results(waiting)).map((r: { status: string }) => r.status),
    ['success'],
  );
});
