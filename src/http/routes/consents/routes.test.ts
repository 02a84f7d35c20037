import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  bulkItem,
  DEMO,
  OTHER,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let demoToken: string;
let otherToken: string;
const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}`;

before(async () => {
  t = await startTestSystem({ workers: false });
  demoToken = await t.token();
  otherToken = await t.token(OTHER.username, OTHER.password);
});
after(() => t.close());

let phoneCounter = 1000;
/** A fresh, valid Turkish mobile number per call, so tests do not share consent identities. */
const newPhone = () => `+90532${String(phoneCounter++).padStart(7, '0')}`;

function call(method: 'GET' | 'POST', url: string, payload?: unknown, token = demoToken) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(payload === undefined
      ? {}
      : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
}

const consent = (over: Record<string, unknown> = {}) => bulkItem(newPhone(), over);

test('add one consent, then read its status back', async () => {
  const retailer = await call('POST', `${base}/retailers`, {
    title: 'Bayi',
    name: 'Ali Veli',
    tckn: '10000000146',
    city: { code: '34' },
    town: { code: '3401' },
  });
  const { retailerCode } = retailer.json();
  const record = consent({ retailerCode });
  const added = await call('POST', `${base}/consents`, record);
  assert.equal(added.statusCode, 200, added.body);
  const { transactionId, creationDate } = added.json();
  assert.match(transactionId, /^[0-9a-f]{64}$/);
  assert.match(creationDate, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  const status = await call('POST', `${base}/consents/status`, {
    recipient: record.recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  assert.equal(status.statusCode, 200, status.body);
  assert.deepEqual(status.json(), {
    recipient: record.recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: record.consentDate,
    creationDate,
    transactionId,
    retailerCode,
    retailerAccessCount: 0,
  });
});

test('the singular `consent` spelling is served too', async () => {
  const record = consent();
  assert.equal((await call('POST', `${base}/consent`, record)).statusCode, 200);
  const status = await call('POST', `${base}/consent/status`, {
    recipient: record.recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  assert.equal(status.json().status, 'ONAY');
});

test('transition rules answer with their İYS codes and change nothing', async () => {
  const record = consent({ consentDate: recentWireDate(600_000) });
  assert.equal(
    (await call('POST', `${base}/consents`, { ...record, status: 'RET', recipient: newPhone() })).json()
      .errors[0].code,
    'H175',
  );
  assert.equal((await call('POST', `${base}/consents`, record)).statusCode, 200);

  const repeat = await call('POST', `${base}/consents`, { ...record, consentDate: recentWireDate(300_000) });
  assert.equal(repeat.statusCode, 400);
  assert.equal(repeat.json().errors[0].code, 'H174');

  const older = await call('POST', `${base}/consents`, {
    ...record,
    status: 'RET',
    consentDate: recentWireDate(900_000),
  });
  assert.equal(older.statusCode, 400);
  assert.equal(older.json().errors[0].code, 'H178');

  const status = await call('POST', `${base}/consents/status`, {
    recipient: record.recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  assert.equal(status.json().status, 'ONAY');
  assert.equal(status.json().consentDate, record.consentDate);

  const newer = await call('POST', `${base}/consents`, {
    ...record,
    status: 'RET',
    source: 'HS_KARAR',
    consentDate: recentWireDate(60_000),
  });
  assert.equal(newer.statusCode, 200, newer.body);
});

test('dates: future H162, before 2015 H156, past the 3-business-day deadline H901', async () => {
  const future = await call('POST', `${base}/consents`, consent({ consentDate: recentWireDate(-3_600_000) }));
  assert.equal(future.statusCode, 422);
  assert.equal(future.json().errors[0].code, 'H162');
  const ancient = await call('POST', `${base}/consents`, consent({ consentDate: '2015-04-30 23:59:59' }));
  assert.equal(ancient.json().errors[0].code, 'H156');
  const late = await call(
    'POST',
    `${base}/consents`,
    consent({ consentDate: recentWireDate(10 * 24 * 3600_000) }),
  );
  assert.equal(late.statusCode, 422);
  assert.equal(late.json().errors[0].code, 'H901');
  const legacy = await call(
    'POST',
    `${base}/consents`,
    consent({ source: 'HS_2015', consentDate: '2015-05-01 00:00:00' }),
  );
  assert.equal(legacy.statusCode, 200, legacy.body);
});

test('a retailer code past the largest integer is refused with H085 when received, not when applied', async () => {
  const single = await call('POST', `${base}/consents`, consent({ retailerCode: 2 ** 31 }));
  assert.equal(single.statusCode, 400);
  assert.deepEqual(
    single.json().errors.map((e: { code: string; location: unknown[] }) => [e.code, e.location]),
    [['H085', ['retailerCode']]],
  );

  const unfinished = await t.system.bulk.countUnfinished();
  const bulk = await call('POST', `${base}/consents/request`, [
    consent(),
    consent({ retailerAccess: [12, 2 ** 31] }),
  ]);
  assert.equal(bulk.statusCode, 400);
  const error = bulk.json().errors[0];
  assert.deepEqual([error.code, error.index, error.location], ['H085', 2, ['retailerAccess', 1]]);
  // Nothing was stored to fail later: the brand's next requests are not held behind it.
  assert.equal(await t.system.bulk.countUnfinished(), unfinished);
});

test('validation errors list every field with location and value', async () => {
  const response = await call('POST', `${base}/consents`, {
    recipient: 'not-an-address',
    type: 'SMS',
    extra: true,
  });
  assert.equal(response.statusCode, 422);
  const codes = response
    .json()
    .errors.map((e: { code: string }) => e.code)
    .sort();
  assert.deepEqual(codes, ['H110', 'H112', 'H113', 'H117', 'H118', 'H122', 'H170']);
  const recipient = response.json().errors.find((e: { code: string }) => e.code === 'H122');
  assert.deepEqual(recipient.location, ['recipient']);
  assert.equal(recipient.value, 'not-an-address');
});

test('TACIR: a trader can be recorded without provenance, and updating it needs both', async () => {
  const recipient = newPhone();
  const created = await call('POST', `${base}/consents`, {
    recipient,
    recipientType: 'TACIR',
    type: 'ARAMA',
    status: 'ONAY',
  });
  assert.equal(created.statusCode, 200, created.body);
  const update = await call('POST', `${base}/consents`, {
    recipient,
    recipientType: 'TACIR',
    type: 'ARAMA',
    status: 'RET',
  });
  assert.equal(update.statusCode, 400);
  assert.deepEqual(
    update.json().errors.map((e: { code: string }) => e.code),
    ['H462', 'H463'],
  );
});

test('multiple status returns only the ONAY recipients, as the caller spelled them', async () => {
  const approved = consent();
  const refused = consent({ consentDate: recentWireDate(600_000) });
  await call('POST', `${base}/consents`, approved);
  await call('POST', `${base}/consents`, refused);
  await call('POST', `${base}/consents`, { ...refused, status: 'RET', consentDate: recentWireDate(60_000) });
  const unknown = newPhone();
  const response = await call('POST', `${base}/consents/BIREYSEL/status/MESAJ`, {
    recipients: [approved.recipient, refused.recipient, unknown],
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json().list, [approved.recipient]);
  const otherChannel = await call('POST', `${base}/consents/BIREYSEL/status/ARAMA`, {
    recipients: [approved.recipient],
  });
  assert.deepEqual(otherChannel.json().list, []);
});

test('multiple status rejects bad lists with their codes', async () => {
  const url = `${base}/consents/BIREYSEL/status/MESAJ`;
  assert.equal((await call('POST', url, {})).json().errors[0].code, 'H168');
  assert.equal((await call('POST', url, { recipients: [] })).json().errors[0].code, 'H164');
  const tooMany = Array.from({ length: 1001 }, () => newPhone());
  assert.equal((await call('POST', url, { recipients: tooMany })).json().errors[0].code, 'H125');
  const phone = newPhone();
  const dup = await call('POST', url, { recipients: [phone, phone] });
  assert.equal(dup.json().errors[0].code, 'H193');
  assert.deepEqual(dup.json().errors[0].location, ['recipients', 1]);
  const bad = await call('POST', url, { recipients: [phone, 'x@y'] });
  assert.deepEqual(bad.json().errors[0].location, ['recipients', 1]);
  assert.equal(
    (await call('POST', `${base}/consents/BIREYSELL/status/MESAJ`, { recipients: [phone] })).json().errors[0]
      .code,
    'H503',
  );
  assert.equal(
    (await call('POST', `${base}/consents/BIREYSEL/status/SMS`, { recipients: [phone] })).json().errors[0]
      .code,
    'H450',
  );
  assert.equal(
    (await call('POST', `${base}/consents/BIREYSEL/status/EPOSTA`, { recipients: [phone] })).json().errors[0]
      .code,
    'H459',
  );
});

test('status of an unknown consent is 404 H902; bad queries are rejected', async () => {
  const missing = await call('POST', `${base}/consents/status`, {
    recipient: newPhone(),
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
  });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().errors[0].code, 'H902');
  assert.equal((await call('POST', `${base}/consents/status`, '[]')).json().errors[0].code, 'H097');
  const bad = await call('POST', `${base}/consents/status`, {
    recipient: newPhone(),
    recipientType: 'X',
    type: 'Y',
  });
  assert.deepEqual(
    bad.json().errors.map((e: { code: string }) => e.code),
    ['H116', 'H117'],
  );
});

test('the changes feed pages through movements with the İYS cursor', async () => {
  const brand = `/sps/${DEMO.iysCode}/brands/${DEMO.secondBrandCode}`;
  const records = [consent(), consent(), consent({ type: 'EPOSTA', recipient: 'ayse@example.com' })];
  for (const record of records)
    assert.equal((await call('POST', `${brand}/consents`, record)).statusCode, 200);

  const first = await call('GET', `${brand}/consents/changes?source=HS&limit=2`);
  assert.equal(first.statusCode, 200, first.body);
  const page1 = first.json();
  assert.equal(page1.list.length, 2);
  assert.match(page1.after, /^\d+_[0-9a-f]{64}$/);
  assert.equal(page1.after.split('_')[1], page1.list[1].transactionId);
  const page2 = (
    await call('GET', `${brand}/consents/changes?source=HS&limit=2&after=${page1.after}`)
  ).json();
  assert.deepEqual(
    [...page1.list, ...page2.list].map((c: { recipient: string }) => c.recipient),
    records.map((r) => r.recipient),
  );
  const page3 = (await call('GET', `${brand}/consents/changes?source=HS&after=${page2.after}`)).json();
  assert.deepEqual(page3.list, []);
  assert.equal(page3.after, page2.after);
  // Citizen-side movements are a separate stream; none exist yet.
  assert.deepEqual((await call('GET', `${brand}/consents/changes?source=IYS`)).json().list, []);
});

test('the changes feed rejects bad parameters', async () => {
  const url = `${base}/consents/changes`;
  assert.equal((await call('GET', `${url}?source=XYZ`)).json().errors[0].code, 'H098');
  assert.equal((await call('GET', `${url}?limit=abc`)).json().errors[0].code, 'H183');
  assert.equal((await call('GET', `${url}?limit=0`)).json().errors[0].code, 'H187');
  assert.equal((await call('GET', `${url}?limit=5000`)).json().errors[0].code, 'H183');
  assert.equal((await call('GET', `${url}?after=garbage`)).json().errors[0].code, 'H098');
  assert.equal((await call('GET', `${url}?after=1_${'a'.repeat(64)}`)).json().errors[0].code, 'H098');
});

test('tenancy: another provider gets 403 on these brands and learns nothing', async () => {
  const record = consent();
  await call('POST', `${base}/consents`, record);
  const attempts = [
    call('GET', `/sps/${DEMO.iysCode}/brands`, undefined, otherToken),
    call('POST', `${base}/consents`, consent(), otherToken),
    call(
      'POST',
      `${base}/consents/status`,
      { recipient: record.recipient, recipientType: 'BIREYSEL', type: 'MESAJ' },
      otherToken,
    ),
    call('GET', `${base}/consents/changes`, undefined, otherToken),
    // Its own iysCode with our brand: the brand is not its own; same answer as for a brand that does not exist.
    call(
      'POST',
      `/sps/${OTHER.iysCode}/brands/${DEMO.brandCode}/consents/status`,
      { recipient: record.recipient, recipientType: 'BIREYSEL', type: 'MESAJ' },
      otherToken,
    ),
  ];
  for (const response of await Promise.all(attempts)) {
    assert.equal(response.statusCode, 403, response.body);
    assert.doesNotMatch(response.body, new RegExp(record.recipient.replace('+', '\\+')));
  }
  const nonexistent = await call(
    'GET',
    `/sps/${OTHER.iysCode}/brands/999999/consents/changes`,
    undefined,
    otherToken,
  );
  const foreign = await call(
    'GET',
    `/sps/${OTHER.iysCode}/brands/${DEMO.brandCode}/consents/changes`,
    undefined,
    otherToken,
  );
  assert.equal(nonexistent.statusCode, foreign.statusCode);
  assert.equal(nonexistent.json().errors[0].code, foreign.json().errors[0].code);
});

test('missing or invalid tokens are 401 H351', async () => {
  const none = await t.app.inject({ method: 'GET', url: `${base}/consents/changes` });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().errors[0].code, 'H351');
  const wrong = await call('GET', `${base}/consents/changes`, undefined, 'forged');
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().errors[0].code, 'H351');
});

test('path codes must be integers: H190 for iysCode, H191 for brandCode', async () => {
  const iys = await call('POST', `/sps/abc/brands/${DEMO.brandCode}/consents`, consent());
  assert.equal(iys.statusCode, 422);
  assert.equal(iys.json().errors[0].code, 'H190');
  const brand = await call('POST', `/sps/${DEMO.iysCode}/brands/1.5/consents`, consent());
  assert.equal(brand.json().errors[0].code, 'H191');
  const huge = await call('POST', `/sps/${DEMO.iysCode}/brands/99999999999/consents`, consent());
  assert.equal(huge.json().errors[0].code, 'H191');
});

test('no malformed input produces a 500', async () => {
  const bodies = [
    '',
    'null',
    '{',
    '[]',
    '"text"',
    '123',
    '{"recipient": {"$ne": 1}}',
    '{"recipient": "\u0000"}',
    JSON.stringify({ consentDate: [] }),
  ];
  for (const path of [
    '/consents',
    '/consents/request',
    '/consents/status',
    '/consents/BIREYSEL/status/MESAJ',
  ]) {
    for (const body of bodies) {
      const response = await call('POST', `${base}${path}`, body);
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${path} ${body} → ${response.statusCode} ${response.body}`,
      );
      assert.ok(Array.isArray(response.json().errors), `${path} ${body}: ${response.body}`);
    }
  }
});
