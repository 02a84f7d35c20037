import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  citizenChanges,
  DEMO,
  OTHER,
  recentWireDate,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let token: string;
const SECRET = 'sandbox-inbound-sms-secret';
const phone = '+905553330001';

before(async () => {
  t = await startTestSystem();
  token = await t.token();
  const otherToken = await t.token(OTHER.username, OTHER.password);
  const provide = (bearer: string, iysCode: number, brandCode: number, type: string) =>
    t.app.inject({
      method: 'POST',
      url: `/sps/${iysCode}/brands/${brandCode}/consents`,
      headers: { authorization: `Bearer ${bearer}` },
      payload: {
        recipient: phone,
        recipientType: 'BIREYSEL',
        type,
        status: 'ONAY',
        source: 'HS_MESAJ',
        consentDate: recentWireDate(),
      },
    });
  for (const type of ['MESAJ', 'ARAMA'])
    assert.equal((await provide(token, DEMO.iysCode, DEMO.brandCode, type)).statusCode, 200);
  assert.equal((await provide(otherToken, OTHER.iysCode, OTHER.brandCode, 'MESAJ')).statusCode, 200);
});
after(() => t.close());

const sms = (text: unknown, from: unknown = phone, secret: string | null = SECRET) =>
  t.app.inject({
    method: 'POST',
    url: '/inbound/sms',
    headers: secret === null ? {} : { 'x-openiys-secret': secret },
    payload: { from, text },
  });

async function statuses(): Promise<string[]> {
  const rows = await t.system.database.db
    .selectFrom('consents')
    .select(['type', 'status', 'source', 'brand_id'])
    .orderBy('brand_id')
    .orderBy('type')
    .execute();
  return rows.map((r) => `${r.brand_id}:${r.type}:${r.status}:${r.source}`);
}

test('without the shared secret nothing happens', async () => {
  const before = await statuses();
  for (const secret of [null, 'wrong', `${SECRET}x`]) {
    const response = await sms('RET 700010', phone, secret);
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().errors[0].code, 'H924');
  }
  assert.deepEqual(await statuses(), before);
});

test('RET alone lists the brands holding ONAY, and replies by SMS', async () => {
  const response = await sms('ret');
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().action, 'listed');
  assert.match(response.json().reply, /Demo Marka \(700010\)/);
  assert.match(response.json().reply, /Diğer Marka \(700020\)/);
  const reply = await t.system.devOutbox!.waitFor(
    (m) => m.to === phone && m.text.includes('ONAY verdiğiniz'),
  );
  assert.equal(reply.channel, 'sms');
});

test('unknown commands and brands get help and change nothing; bad senders are refused', async () => {
  const before = await statuses();
  assert.equal((await sms('merhaba')).json().action, 'help');
  assert.equal((await sms('RET 123456')).json().action, 'unknown-brand');
  assert.equal((await sms('RET Olmayan Marka')).json().action, 'unknown-brand');
  assert.equal((await sms('RET')).json().action, 'listed');
  assert.equal((await sms('RET 700010', 'not-a-phone')).statusCode, 422);
  assert.equal((await sms('RET 700010', 'ali@example.com')).statusCode, 422);
  assert.equal((await sms(42)).statusCode, 422);
  assert.deepEqual(await statuses(), before);
});

test('RET <brand code> refuses that brand’s SMS and call consents; RET <brand name> works too', async () => {
  const byCode = await sms('RET 700010');
  assert.equal(byCode.json().action, 'rejected', byCode.body);
  const byName = await sms('ret diğer marka');
  assert.equal(byName.json().action, 'rejected', byName.body);
  assert.ok(
    (await statuses()).every((s) => s.endsWith(':RET:IYS_KISAMESAJ')),
    (await statuses()).join(),
  );
  assert.equal((await sms('RET 700010')).json().action, 'nothing-to-reject');

  const feed = await citizenChanges(t, token);
  assert.deepEqual(feed.map((m: { type: string; source: string }) => `${m.type}:${m.source}`).sort(), [
    'ARAMA:IYS_KISAMESAJ',
    'MESAJ:IYS_KISAMESAJ',
  ]);
});
