import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO,
  OTHER,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;
before(async () => {
  t = await startTestSystem();
  token = await t.token();
});
after(() => t.close());

const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;
const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
const codes = (body: string) =>
  (JSON.parse(body) as { errors: { code: string; location?: unknown[] }[] }).errors.map(
    (e) => `${e.code}@${(e.location ?? []).join('.')}`,
  );

let tcknCounter = 0;
/** Valid TCKNs, computed from nine digits by the checksum rule. */
function nextTckn(): string {
  const d = String(100000000 + ++tcknCounter)
    .split('')
    .map(Number);
  const tenth =
    ((((d[0]! + d[2]! + d[4]! + d[6]! + d[8]!) * 7 - (d[1]! + d[3]! + d[5]! + d[7]!)) % 10) + 10) % 10;
  const eleventh = (d.reduce((a, b) => a + b, 0) + tenth) % 10;
  return `${d.join('')}${tenth}${eleventh}`;
}

const retailer = (overrides: Record<string, unknown> = {}) => ({
  title: 'Kadıköy Bayi Ltd.',
  alias: 'Moda Şube',
  name: 'Ali Veli',
  tckn: nextTckn(),
  mobile: '+905321112233',
  city: { code: '34', name: 'İstanbul' },
  town: { code: '3423', name: 'ignored: the registry names it' },
  ...overrides,
});

async function addRetailer(overrides: Record<string, unknown> = {}): Promise<number> {
  const response = await call('POST', `${base}/retailers`, retailer(overrides));
  assert.equal(response.statusCode, 200, response.body);
  return response.json().retailerCode;
}

describe('retailers (§3.4)', () => {
  test('added with a registry code, listed with pagination, read back decrypted', async () => {
    const code = await addRetailer({ tckn: '10000000146' });
    const one = await call('GET', `${base}/retailers/${code}`);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().tckn, '10000000146');
    assert.equal(one.json().town.name, 'Kadıköy');
    assert.equal(one.json().status, 'active');
    assert.equal(one.json().canBeDeleted, 'true');

    await addRetailer({ status: 'passive' });
    const page = await call('GET', `${base}/retailers?offset=0&limit=1`);
    assert.deepEqual(page.json().pagination, { offset: 0, pageSize: 1, totalCount: 2 });
    assert.equal(page.json().list.length, 1);
    const active = await call('GET', `${base}/retailers?all=false&short=true`);
    assert.equal(active.json().pagination.totalCount, 1);
    assert.deepEqual(Object.keys(active.json().list[0]).sort(), ['alias', 'retailerCode', 'status', 'title']);
  });

  test('field rules, duplicates and pagination errors have their codes', async () => {
    const bad = await call(
      'POST',
      `${base}/retailers`,
      retailer({ tckn: '10000000147', name: 'R2D2', town: { code: '0601' } }),
    );
    assert.deepEqual(codes(bad.body), ['H960@name', 'H941@tckn', 'H960@town']);
    await addRetailer({ tckn: '12345678950', mersis: '0123456789000015' });
    const again = await call(
      'POST',
      `${base}/retailers`,
      retailer({ tckn: '12345678950', mersis: '0123456789000015' }),
    );
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().errors[0].code, 'H957');
    for (const [query, code] of [
      ['limit=101', 'H186'],
      ['limit=0', 'H187'],
      ['limit=x', 'H183'],
      ['offset=-1', 'H182'],
      ['all=yes', 'H184'],
      ['short=1', 'H185'],
    ]) {
      assert.equal((await call('GET', `${base}/retailers?${query}`)).json().errors[0].code, code, query);
    }
  });

  test('another provider cannot see or delete them', async () => {
    const code = await addRetailer();
    const other = await t.token(OTHER.username, OTHER.password);
    const response = await t.app.inject({
      method: 'GET',
      url: `/sps/${OTHER.iysCode}/brands/${OTHER.brandCode}/retailers/${code}`,
      headers: { authorization: `Bearer ${other}` },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().errors[0].code, 'H180');
  });
});

describe('retailer access (§3.5)', () => {
  let a: number;
  let b: number;
  const phone = '+905551230001';
  const identity = { recipientType: 'BIREYSEL', type: 'MESAJ' };
  before(async () => {
    a = await addRetailer();
    b = await addRetailer();
    await recordConsent(t, token, { recipient: phone, type: 'MESAJ', retailerCode: a });
  });

  test('a consent naming an unknown retailer fails with H180 at its place', async () => {
    const response = await call('POST', `${base}/consents`, {
      recipient: '+905551230002',
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate: '2026-01-01 00:00:00',
      retailerAccess: [a, 99999999],
    });
    assert.equal(response.statusCode, 403, response.body);
    assert.deepEqual(codes(response.body), ['H180@retailerAccess.1']);
  });

  test('a retailer named on a consent can no longer be deleted; an unused one can', async () => {
    const linked = await call('DELETE', `${base}/retailers/${a}`);
    assert.equal(linked.statusCode, 409);
    assert.equal(linked.json().errors[0].code, 'H959');
    const unused = await addRetailer();
    const deleted = await call('DELETE', `${base}/retailers/${unused}`);
    assert.equal(deleted.statusCode, 200);
    assert.equal(deleted.body, 'Success');
    assert.equal((await call('DELETE', `${base}/retailers/${unused}`)).json().errors[0].code, 'H180');
  });

  test('give, list and remove access under every spelling', async () => {
    const given = await call('POST', `${base}/consents/retailers/access`, {
      recipient: phone,
      ...identity,
      retailerAccess: [b],
    });
    assert.equal(given.statusCode, 200, given.body);
    assert.match(given.json().transactionId, /^[0-9a-f]{64}$/);
    const listed = await call('POST', `${base}/consent/retailers/access/list?limit=10`, {
      recipient: phone,
      ...identity,
    });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(
      listed.json().list.map((r: { retailerCode: number }) => r.retailerCode),
      [b],
    );
    assert.equal((await call('GET', `${base}/retailers/${b}`)).json().canBeDeleted, 'false');

    const removed = await call('POST', `${base}/consents/retailer/access/remove`, {
      recipients: [phone],
      ...identity,
      retailerAccess: [b],
    });
    assert.equal(removed.statusCode, 202);
    assert.equal(removed.body, '');
    const after = await call('POST', `${base}/consents/retailers/access/list`, {
      recipient: phone,
      ...identity,
    });
    assert.equal(after.json().pagination.totalCount, 0);
  });

  test('PUT grants many; a missing consent is reported, unknown retailers refused, lists validated', async () => {
    const put = await call('PUT', `${base}/consents/retailers/access`, {
      recipients: [phone, '+905551230009'],
      ...identity,
      retailerAccess: [a, b],
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(codes(put.body), ['H401@recipients.1']);
    const listed = await call('POST', `${base}/consents/retailers/access/list`, {
      recipient: phone,
      ...identity,
    });
    assert.equal(listed.json().pagination.totalCount, 2);

    const unknown = await call('PUT', `${base}/consents/retailers/access`, {
      recipients: [phone],
      ...identity,
      retailerAccess: [a, 42],
    });
    assert.equal(unknown.statusCode, 403);
    assert.deepEqual(codes(unknown.body), ['H180@retailerAccess.1']);
    const checks: [Record<string, unknown>, string][] = [
      [{ recipients: [], ...identity, retailerAccess: [a] }, 'H164@recipients'],
      [{ ...identity, retailerAccess: [a] }, 'H168@recipients'],
      [{ recipients: [phone], ...identity }, 'H169@retailerAccess'],
      [{ recipients: [phone], ...identity, retailerAccess: [] }, 'H163@retailerAccess'],
      [{ recipients: [phone, phone], ...identity, retailerAccess: [a] }, 'H193@recipients.1'],
      [{ recipients: [phone], ...identity, retailerAccess: [a, a] }, 'H193@retailerAccess.1'],
      [
        { recipients: Array.from({ length: 101 }, () => phone), ...identity, retailerAccess: [a] },
        'H127@recipients',
      ],
      [{ recipients: ['ali@example.com'], ...identity, retailerAccess: [a] }, 'H464@recipients.0'],
    ];
    for (const [body, expected] of checks) {
      assert.deepEqual(codes((await call('PUT', `${base}/consents/retailers/access`, body)).body), [
        expected,
      ]);
    }

    const all = await call('POST', `${base}/consents/retailers/access/remove/all`, {
      recipients: [phone],
      ...identity,
    });
    assert.equal(all.statusCode, 202);
    const none = await call('POST', `${base}/consents/retailers/access/list`, {
      recipient: phone,
      ...identity,
    });
    assert.equal(none.json().pagination.totalCount, 0);
  });

  test('a later movement keeps the consent’s retailer and access list', async () => {
    await call('POST', `${base}/consents/retailers/access`, {
      recipient: phone,
      ...identity,
      retailerAccess: [b],
    });
    await recordConsent(t, token, {
      recipient: phone,
      type: 'MESAJ',
      status: 'RET',
      consentDate: recentWireDate(5_000),
    });
    const listed = await call('POST', `${base}/consents/retailers/access/list`, {
      recipient: phone,
      ...identity,
    });
    assert.deepEqual(
      listed.json().list.map((r: { retailerCode: number }) => r.retailerCode),
      [b],
    );
  });
});
