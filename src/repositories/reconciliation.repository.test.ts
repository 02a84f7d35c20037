import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { analysedPlan, rowsRead } from '../../test/helpers/plan.js';
import { startTestSystem, type TestSystem } from '../../test/helpers/system.js';
import { dayMovementsPage } from './reconciliation.repository.js';

let t: TestSystem;
let owner: pg.Pool;
before(async () => {
  t = await startTestSystem({ workers: false });
  owner = new pg.Pool({ connectionString: t.database.ownerUrl, max: 1 });
});
after(async () => {
  await owner.end();
  await t.close();
});

const brand = 990_003;
const day = { brandId: brand, from: new Date('2026-11-20T21:00:00Z'), to: new Date('2026-11-21T21:00:00Z') };

test("a page of a brand's day file reads that day's movements of the brand, not the log around them", async () => {
  // 9,000 movements of one brand in log order: 4,000 on the days before, 1,000 on the day, 4,000 after,
  // with another brand's beside them. Paged by id with the day as a filter, the file's first page read
  // the log from its start and its last page to its end: a pass over the whole log per file.
  await owner.query(
    `WITH g AS (
       SELECT n, sha256(int4send(n) || '\\x03'::bytea) AS k,
              $2::timestamptz + CASE WHEN n <= 4000 THEN -(4001 - n) * interval '1 minute'
                                     WHEN n <= 5000 THEN (n - 4000) * interval '1 minute'
                                     ELSE interval '1 day' + (n - 5000) * interval '1 minute' END AS at
       FROM generate_series(1, 9000) n
     ), added AS (
       INSERT INTO recipients (recipient_key, address_enc, kind)
       SELECT k, sha256(k), 'phone' FROM g ON CONFLICT DO NOTHING
     )
     INSERT INTO consent_events (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
       consent_date, creation_date, actor_kind, actor_id, leaf_hash)
     SELECT encode(k, 'hex') || b, $1 + b, k, 'BIREYSEL', 'MESAJ', 'ONAY', 'HS_WEB', at, at, 'provider', '1',
            sha256(k || int4send(b))
     FROM g, generate_series(0, 1) b ORDER BY n, b`,
    [brand, day.from],
  );
  await owner.query('ANALYZE consent_events, recipients');

  const db = t.system.database.db;
  let afterId: string | null = null;
  const listed: Array<{ creation_date: Date; address_enc: Buffer; recipient_key: Buffer }> = [];
  for (;;) {
    const query = dayMovementsPage(db, day, afterId, 300);
    const plan = await analysedPlan(owner, query.compile());
    // At most the brand's movements of that day (the planner may read the rest of the day and sort it when
    // that is cheap), and the cursor's own row, looked up by id.
    const read = rowsRead(plan, 'consent_events');
    assert.ok(read <= 1000 + 1, `${read} log rows read for a page of ${plan['Actual Rows']}`);
    assert.ok(rowsRead(plan, 'recipients') <= plan['Actual Rows']);
    const page = await query.execute();
    listed.push(...page);
    if (page.length < 300) break;
    afterId = page.at(-1)!.id;
  }
  assert.equal(listed.length, 1000);
  assert.ok(listed.every((m) => m.creation_date >= day.from && m.creation_date < day.to));
  assert.ok(listed.every((m, i) => i === 0 || m.creation_date >= listed[i - 1]!.creation_date));
  assert.ok(listed.every((m) => m.address_enc.length === 32));
  assert.equal(new Set(listed.map((m) => m.recipient_key.toString('hex'))).size, 1000);
});
