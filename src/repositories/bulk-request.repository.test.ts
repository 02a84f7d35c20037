import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { analysedPlan, rowsRead } from '../../test/helpers/plan.js';
import { acceptOnays, DEMO, OTHER, startTestSystem, type TestSystem } from '../../test/helpers/system.js';
import { backlogQuery } from './bulk-request.repository.js';

let t: TestSystem;
before(async () => {
  t = await startTestSystem({ workers: false });
});
after(() => t.close());

test("a round lists its brand's oldest requests by reading those, not the whole backlog", async () => {
  // One accepted request of 1000 items, copied into a backlog of 400 unfinished requests of two brands,
  // accepted in turns, analysed. Through the pending index of all brands, a listing read the other brand's
  // requests too (or, unanalysed, all 400, sorted), and counted each one's items by reading its 1000
  // transaction ids: a backlog's rounds then cost the square of its size.
  const requestId = await acceptOnays(
    t,
    await t.token(),
    Array.from({ length: 1000 }, (_, n) => `+90533${String(n).padStart(7, '0')}`),
  );
  const owner = new pg.Pool({ connectionString: t.database.ownerUrl, max: 1 });
  try {
    await owner.query(
      `INSERT INTO bulk_requests (id, brand_id, api_user_id, accepted_at, subrequest_ids, transaction_ids, items,
                                  items_packed, item_lanes, lanes_left, lanes_applied_at, completed_at)
       SELECT gen_random_uuid(), CASE WHEN n % 2 = 0 THEN brand_id ELSE other.id END, api_user_id,
              accepted_at + n * interval '1 ms', subrequest_ids, transaction_ids, items, items_packed, item_lanes,
              lanes_left, lanes_applied_at, NULL
         FROM bulk_requests, generate_series(1, 399) AS n, (SELECT id FROM brands WHERE brand_code = $2) AS other
        WHERE bulk_requests.id = $1`,
      [requestId, OTHER.brandCode],
    );
    await owner.query('ANALYZE bulk_requests');
    const { rows: backlog } = await owner.query<{ id: string; brand_id: number }>(
      `SELECT id, brand_id FROM bulk_requests
        WHERE completed_at IS NULL AND brand_id = (SELECT id FROM brands WHERE brand_code = $1)
        ORDER BY accepted_at, id`,
      [DEMO.brandCode],
    );
    assert.equal(backlog.length, 200);
    const query = backlogQuery(t.system.database.db, backlog[0]!.brand_id, 50);

    const listed = await query.execute();
    assert.deepEqual(
      listed.map((r) => r.id),
      backlog.slice(0, 50).map((r) => r.id),
    );
    assert.ok(listed.every((r) => r.size === 1000));
    // The 50 listed, and at most one past the last to end the sort's group.
    const read = rowsRead(await analysedPlan(owner, query.compile()), 'bulk_requests');
    assert.ok(read <= 51, `read ${read} requests to list 50`);
  } finally {
    await owner.end();
  }
});

test("an accepted request's items and ids are stored without a compression attempt", async () => {
  // Random ids and sealed items leave pglz nothing worth keeping, yet it tried on every request: 4.65 µs
  // of PostgreSQL's CPU an item against ~3.0 µs (migration 0048). 'e' is EXTERNAL: out of line, as is.
  const { rows } = await sql<{ attname: string; attstorage: string }>`
    SELECT attname, attstorage FROM pg_attribute
     WHERE attrelid = 'bulk_requests'::regclass
       AND attname IN ('items', 'items_packed', 'subrequest_ids', 'transaction_ids')
     ORDER BY attname`.execute(t.system.database.db);
  assert.deepEqual(
    rows.map((r) => [r.attname, r.attstorage]),
    [
      ['items', 'e'],
      ['items_packed', 'e'],
      ['subrequest_ids', 'e'],
      ['transaction_ids', 'e'],
    ],
  );
});
