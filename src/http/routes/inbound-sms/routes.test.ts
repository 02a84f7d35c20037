import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyLogReceipt } from '../../../crypto/log-verify.js';
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

test('the SMS confirming a refusal links to the withdrawal receipt, which proves the RET', async () => {
  const { reply } = (await sms('RET 700010')).json() as { reply: string };
  // Nothing left to refuse for 700010 now; an ONAY for the second brand, then its refusal, is confirmed.
  assert.doesNotMatch(reply, /Makbuz/);
  const again = await t.app.inject({
    method: 'POST',
    url: `/sps/${DEMO.iysCode}/brands/${DEMO.secondBrandCode}/consents`,
    headers: { authorization: `Bearer ${token}` },
    payload: {
      recipient: phone,
      recipientType: 'BIREYSEL',
      type: 'MESAJ',
      status: 'ONAY',
      source: 'HS_MESAJ',
      consentDate: recentWireDate(),
    },
  });
  assert.equal(again.statusCode, 200, again.body);
  const confirmation = (await sms(`RET ${DEMO.secondBrandCode}`)).json() as { reply: string };
  const link = /Makbuz: (\S+)\/makbuz\/(\S+)$/.exec(confirmation.reply);
  assert.ok(link, confirmation.reply);
  const sent = await t.system.devOutbox!.waitFor((m) => m.to === phone && m.text === confirmation.reply);
  assert.equal(sent.channel, 'sms');

  // The sequencer (a worker here) signs a head within a second; until then the receipt is pending.
  let body: { receipts: Array<{ receipt: unknown; record: Record<string, unknown> }>; pending: number };
  for (;;) {
    const response: { statusCode: number; body: string; json(): typeof body } = await t.app.inject({
      method: 'GET',
      url: `/api/receipts/${link[2]}`,
    });
    assert.equal(response.statusCode, 200, response.body);
    body = response.json();
    if (body.pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(body.receipts.length, 1);
  const [{ receipt, record }] = body.receipts as [{ receipt: unknown; record: Record<string, unknown> }];
  assert.equal(record.state, 'withdrawn');
  assert.equal(record.status, 'RET');
  assert.equal(record.source, 'IYS_KISAMESAJ');
  assert.equal(record.channel, 'MESAJ');
  assert.deepEqual(record.piiPrincipal, { address: '+90 555 *** ** 01', recipientType: 'BIREYSEL' });
  assert.equal(JSON.stringify(body).includes('5553330001'), false, 'no plaintext number anywhere');
  const keys = (await t.app.inject({ method: 'GET', url: '/log/v1/keys' })).json().keys;
  assert.ok((await verifyLogReceipt(receipt, keys)).ok);

  const forged = await t.app.inject({ method: 'GET', url: `/api/receipts/${link[2]}x` });
  assert.equal(forged.statusCode, 404);
  assert.equal(forged.json().errors[0].code, 'H990');
});
