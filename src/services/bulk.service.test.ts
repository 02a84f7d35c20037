import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import {
  acceptOnays,
  bulkItem,
  DEMO,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../test/helpers/system.js';
import { toJsonStoredItem, unpackItems, type JsonStoredItem } from '../db/packed-items.js';
import { turkishWorkingCalendar } from '../domain/business-days.js';
import { WRITE_LANES } from '../domain/write-lanes.js';
import { createBulkRequestRepository } from '../repositories/bulk-request.repository.js';
import { createConsentRepository } from '../repositories/consent.repository.js';
import { createProviderRepository } from '../repositories/provider.repository.js';
import { createRetailerRepository } from '../repositories/retailer.repository.js';
import { createWebhookRepository } from '../repositories/webhook.repository.js';
import { createBulkService } from './bulk.service.js';

let t: TestSystem;
let token: string;
const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;

before(async () => {
  t = await startTestSystem({ workers: false });
  token = await t.token();
});
after(() => t.close());

const post = (url: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });
const results = async (requestId: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `${base}/consents/request/${requestId}`,
      headers: { authorization: `Bearer ${token}` },
    })
  ).json();

const phones = (n: number, offset: number) =>
  Array.from({ length: n }, (_, i) => `+90533${String(offset + i).padStart(7, '0')}`);

/** A person's call (ARAMA) consent or refusal, given `agoMs` ago. */
const callConsent = (recipient: string, status: string, agoMs: number) => ({
  recipient,
  recipientType: 'BIREYSEL',
  type: 'ARAMA',
  status,
  source: 'HS_WEB',
  consentDate: recentWireDate(agoMs),
});

/**
 * A bulk service of its own on the test system's database, as another process would have: it shares
 * nothing in memory with t.system.bulk. `onLoad` sees each load of stored items.
 */
function anotherBulkService(onLoad: (ids: string[]) => void = () => {}, writers: 1 | 2 = 2) {
  const db = t.system.database.db;
  const bulkRequests = createBulkRequestRepository(db);
  return createBulkService({
    db,
    bulkRequests: { ...bulkRequests, loadItems: (ids) => (onLoad(ids), bulkRequests.loadItems(ids)) },
    writer: {
      consents: createConsentRepository(db),
      retailers: createRetailerRepository(db),
      webhooks: createWebhookRepository(db, t.database.url),
      calendar: turkishWorkingCalendar(),
    },
    providers: createProviderRepository(db),
    preparer: { prepare: () => Promise.reject(new Error('this service only applies')) },
    queue: { enqueue: async () => {} },
    notices: { wake: async () => {} },
    writers,
  });
}

test('an accepted request is stored before the answer and applied exactly once, however often processed', async () => {
  const batch = phones(50, 1000).map((recipient) => bulkItem(recipient));
  const accepted = await post(`${base}/consents/request`, batch);
  assert.equal(accepted.statusCode, 200, accepted.body);
  const { requestId, subRequests } = accepted.json();
  assert.equal(subRequests.length, 50);
  assert.equal(subRequests[0].recipient, batch[0]!.recipient);

  const pending = await results(requestId);
  assert.deepEqual(new Set(pending.map((r: { status: string }) => r.status)), new Set(['enqueue']));

  // Three concurrent runs, as of three processes, plus one late one: the lanes' write locks let each item be
  // applied by exactly one.
  const runs = [t.system.bulk, anotherBulkService(), anotherBulkService()];
  const applied = await Promise.all(runs.map((bulk) => bulk.processBulkRequest(requestId)));
  assert.equal(
    applied.reduce((sum, n) => sum + n, 0),
    50,
  );
  assert.equal(await t.system.bulk.processBulkRequest(requestId), 0);

  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM consent_events`.execute(
    t.system.database.db,
  );
  assert.equal(Number(rows[0]!.n), 50);
  const done = await results(requestId);
  assert.equal(done.length, 50);
  assert.deepEqual(
    done.map((r: { index: number }) => r.index),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  assert.ok(
    done.every(
      (r: { status: string; transactionId: string }) =>
        r.status === 'success' && /^[0-9a-f]{64}$/.test(r.transactionId),
    ),
  );
});

test('rule failures are per item; the rest of the batch is applied', async () => {
  const [a, b] = phones(2, 2000);
  const batch = [
    {
      recipient: a,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate: recentWireDate(120_000),
    },
    {
      recipient: b,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'RET',
      source: 'HS_WEB',
      consentDate: recentWireDate(120_000),
    },
  ];
  const { requestId } = (await post(`${base}/consents/request`, batch)).json();
  await t.system.bulk.processBulkRequest(requestId);
  const done = await results(requestId);
  assert.equal(done[0].status, 'success');
  assert.equal(done[1].status, 'failure');
  assert.deepEqual(done[1].error, {
    code: 'H175',
    message: 'İlk defa kaydedilen bir iznin durum (status) bilgisi RET olmamalıdır.',
  });
  assert.equal(done[1].transactionId, undefined);
});

test('schema errors reject the whole request synchronously, with 1-based indexes; nothing is stored', async () => {
  const [a] = phones(1, 3000);
  const good = {
    recipient: a,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: recentWireDate(),
  };
  const response = await post(`${base}/consents/request`, [good, { ...good, type: 'SMS' }, good]);
  assert.equal(response.statusCode, 422);
  assert.deepEqual(
    response.json().errors.map((e: { index: number; code: string }) => [e.index, e.code]),
    [
      [2, 'H117'],
      [3, 'H194'],
    ],
  );
  // Matched on the stored items' type: a bare substring could also match ciphertext.
  const repository = createBulkRequestRepository(t.system.database.db);
  const stored = await t.system.database.db.selectFrom('bulk_requests').select('id').execute();
  for (const { id } of stored) assert.ok(!(await repository.itemTypes(id)).includes('SMS'));
});

test('request limits: not an array or empty H092, over 1000 H125; unknown request H093, long id H198', async () => {
  assert.equal((await post(`${base}/consents/request`, { consents: [] })).json().errors[0].code, 'H092');
  assert.equal((await post(`${base}/consents/request`, [])).json().errors[0].code, 'H092');
  const big = phones(1001, 4000).map((recipient) => ({
    recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: recentWireDate(),
  }));
  const tooMany = await post(`${base}/consents/request`, big);
  assert.equal(tooMany.statusCode, 422);
  assert.equal(tooMany.json().errors[0].code, 'H125');
  assert.equal((await results('00000000-0000-4000-8000-000000000000')).errors[0].code, 'H093');
  assert.equal((await results('x'.repeat(37))).errors[0].code, 'H198');
  assert.equal((await results('not-a-uuid')).errors[0].code, 'H093');
});

test("a brand's requests are applied in the order they were accepted, together, whichever job runs first", async () => {
  const [person] = phones(1, 4000);
  const consent = (status: string, agoMs: number) => callConsent(person!, status, agoMs);
  // The person agreed, then refused: two requests, accepted in that order.
  const given = (await post(`${base}/consents/request`, [consent('ONAY', 120_000)])).json().requestId;
  const refused = (await post(`${base}/consents/request`, [consent('RET', 60_000)])).json().requestId;
  const others = (
    await post(`${base}/consents/request`, [{ ...consent('ONAY', 60_000), recipient: '+905330004001' }])
  ).json().requestId;

  // The last request's job happens to run first: it applies the brand's older requests before its own.
  assert.equal(await t.system.bulk.processBulkRequest(others), 3);
  assert.equal(await t.system.bulk.processBulkRequest(given), 0);
  const transactionIds: string[] = [];
  for (const id of [given, refused, others]) {
    const [result] = await results(id);
    assert.equal(result.status, 'success');
    transactionIds.push(result.transactionId);
  }
  const { rows } = await sql<{ status: string; transactions: number }>`
    SELECT (SELECT c.status FROM consents c JOIN consent_events e ON e.id = c.last_event_id
            WHERE e.transaction_id = ${transactionIds[1]}) AS status,
           (SELECT count(DISTINCT tx)::int FROM consent_events
            WHERE transaction_id = ANY(${transactionIds}::text[])) AS transactions`.execute(
    t.system.database.db,
  );
  assert.equal(rows[0]!.status, 'RET', 'the refusal stands');
  assert.ok(
    rows[0]!.transactions <= WRITE_LANES,
    'the three requests were committed together, one transaction per write lane',
  );
});

test("two jobs of one brand in one process decode the brand's backlog once: the second waits for the first's run", async () => {
  const loaded: string[][] = [];
  const bulk = anotherBulkService((ids) => loaded.push(ids));
  const requestIds: string[] = [];
  for (const [n, recipient] of phones(3, 5000).entries()) {
    const item = { recipient, recipientType: 'BIREYSEL', type: 'MESAJ', status: 'ONAY', source: 'HS_WEB' };
    const accepted = await post(`${base}/consents/request`, [
      { ...item, consentDate: recentWireDate(60_000 + n) },
    ]);
    assert.equal(accepted.statusCode, 200, accepted.body);
    requestIds.push(accepted.json().requestId);
  }

  // The worker takes two jobs at a time: here, the first and the last request's.
  const applied = await Promise.all([
    bulk.processBulkRequest(requestIds[0]!),
    bulk.processBulkRequest(requestIds[2]!),
  ]);

  // Whichever started first applied the three requests; the other found its own already done.
  assert.deepEqual(
    applied.sort((a, b) => a - b),
    [0, 3],
  );
  assert.equal(loaded.length, 1, 'the stored items were loaded (and unsealed) once');
  assert.deepEqual(new Set(loaded[0]), new Set(requestIds));
  for (const id of requestIds)
    assert.deepEqual(
      (await results(id)).map((r: { status: string }) => r.status),
      ['success'],
    );
});

/** Accepts `count` requests of two ONAYs each (both lanes usually), from phone number `offset` on. */
async function acceptPairs(count: number, offset: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) ids.push(await acceptOnays(t, token, phones(2, offset + 2 * n)));
  return ids;
}

/** How many of these requests still have items of this lane to apply. */
async function laneLeftCount(ids: string[], lane: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM bulk_requests
     WHERE id = ANY(${ids}::uuid[]) AND lanes_left & ${1 << lane} <> 0`.execute(t.system.database.db);
  return rows[0]!.n;
}

/** Movements recorded for these requests' items, and how many distinct transaction ids they carry. */
async function movementsOf(ids: string[]): Promise<{ events: number; distinct: number }> {
  const { rows } = await sql<{ events: number; distinct: number }>`
    SELECT count(*)::int AS events, count(DISTINCT e.transaction_id)::int AS distinct
      FROM consent_events e
     WHERE e.transaction_id IN (SELECT unnest(transaction_ids) FROM bulk_requests WHERE id = ANY(${ids}::uuid[]))`.execute(
    t.system.database.db,
  );
  return rows[0]!;
}

test('runs of several processes over a backlog of many rounds apply each item once, in accepted order', async () => {
  const [person] = phones(1, 20_000);
  const item = (status: string, agoMs: number) => callConsent(person!, status, agoMs);
  // The person agrees in the first request and refuses in the last, 150 requests (three rounds) later.
  const given = (await post(`${base}/consents/request`, [item('ONAY', 120_000)])).json().requestId;
  const between = await acceptPairs(150, 20_100);
  const refused = (await post(`${base}/consents/request`, [item('RET', 60_000)])).json().requestId;
  const ids = [given, ...between, refused];

  // Four runs at once, as of four processes; one applies with a single writer (its lanes one after the other).
  const runs = [t.system.bulk, anotherBulkService(), anotherBulkService(), anotherBulkService(() => {}, 1)];
  const applied = await Promise.all(runs.map((bulk, n) => bulk.processBulkRequest(ids[n * 50]!)));
  // Each run stops once its own request is applied; what is left is applied by the last request's job.
  const rest = await t.system.bulk.processBulkRequest(refused);
  assert.equal(applied.reduce((sum, n) => sum + n, 0) + rest, 302);
  assert.deepEqual(await movementsOf(ids), { events: 302, distinct: 302 });
  const { rows } = await sql<{ status: string }>`
    SELECT c.status FROM consents c JOIN consent_events e ON e.id = c.last_event_id
     WHERE e.transaction_id = (SELECT transaction_ids[1] FROM bulk_requests WHERE id = ${refused})`.execute(
    t.system.database.db,
  );
  assert.equal(rows[0]?.status, 'RET', 'the refusal, accepted last, stands');
  assert.equal(await laneLeftCount(ids, 0), 0);
  assert.equal(await laneLeftCount(ids, 1), 0);
});

test("an item PostgreSQL refuses fails alone: the rest of its request and the brand's later requests are applied", async () => {
  const people = phones(6, 30_000);
  const onays = (some: string[]) => some.map((person) => callConsent(person, 'ONAY', 120_000));
  const first = (await post(`${base}/consents/request`, onays(people.slice(0, 4)))).json().requestId;
  const later = (await post(`${base}/consents/request`, onays(people.slice(4)))).json().requestId;
  // Its second item as a version before the range check stored it (a request pending at an upgrade, its
  // items as JSON): a retailer code past PostgreSQL's integer, which its lane's statements refuse.
  await storeAsJson(first, (items) => (items[1]!.rc = 2 ** 31));

  assert.equal(
    await t.system.bulk.processBulkRequest(later),
    6,
    'every item is processed, the refused one as a failure',
  );
  const outcomes = (await results(first)).map((r: { status: string; error?: { code: string } }) =>
    r.status === 'failure' ? r.error?.code : r.status,
  );
  assert.deepEqual(outcomes, ['success', 'H923', 'success', 'success']);
  assert.deepEqual(
    (await results(later)).map((r: { status: string }) => r.status),
    ['success', 'success'],
  );
  assert.deepEqual(await movementsOf([first, later]), { events: 5, distinct: 5 });
  const told = t.logLines.map((line) => JSON.parse(line)).find((l) => l.requests?.includes(first));
  assert.match(told?.err?.message ?? '', /out of range for type integer/, 'the operator is told');
  assert.equal(
    await t.system.bulk.processBulkRequest(first),
    0,
    'nothing is left to apply, or to apply twice',
  );
});

/** Stores a request's items as JSON, as versions before migration 0049 did, with `change` made to them. */
async function storeAsJson(id: string, change: (items: JsonStoredItem[]) => void): Promise<void> {
  const db = t.system.database.db;
  const row = await db
    .selectFrom('bulk_requests')
    .select('items_packed')
    .where('id', '=', id)
    .executeTakeFirst();
  const items = unpackItems(row!.items_packed!).map(toJsonStoredItem);
  change(items);
  await sql`UPDATE bulk_requests SET items = ${JSON.stringify(items)}::json, items_packed = NULL
             WHERE id = ${id}`.execute(db);
}
