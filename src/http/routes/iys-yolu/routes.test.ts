import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO, startTestSystem, type TestSystem } from '../../../../test/helpers/system.js';

let now = new Date();
let t: TestSystem;
let token: string;
before(async () => {
  t = await startTestSystem({ clock: () => now });
  token = await t.token();
});
after(() => t.close());

const base = `/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`;
const call = (path: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: `${base}/${path}`,
    headers: { authorization: `Bearer ${token}` },
    payload: payload as object,
  });
const codes = (body: string) =>
  (JSON.parse(body) as { errors: { code: string }[] }).errors.map((e) => e.code);

async function codeSentTo(address: string): Promise<string> {
  const message = await t.system.devOutbox!.waitFor(
    (m) => m.to === address && /kodu yalnızca ona verin: \d{6}/.test(m.text),
  );
  return /(\d{6})/.exec(message.text.split('verin:')[1]!)![1]!;
}

test('the code sent to the person records an ONAY per channel with the registry source', async () => {
  const phone = '+905538880001';
  const started = await call('overIys', {
    recipient: phone,
    recipientType: 'BIREYSEL',
    type: ['MESAJ', 'ARAMA'],
    source: 'IYS_CM',
  });
  assert.equal(started.statusCode, 200, started.body);
  const { requestId } = started.json();
  const code = await codeSentTo(phone);

  const wrong = await call('verificationCode', {
    requestId,
    verificationCode: code === '000000' ? '000001' : '000000',
  });
  assert.deepEqual(codes(wrong.body), ['H455']);
  const done = await call('verificationCode', { requestId, verificationCode: code });
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual(
    done.json().list.map((c: { type: string }) => c.type),
    ['MESAJ', 'ARAMA'],
  );
  const status = await call('status', { recipient: phone, recipientType: 'BIREYSEL', type: 'ARAMA' });
  assert.equal(status.json().status, 'ONAY');
  assert.equal(status.json().source, 'IYS_CM');
  assert.deepEqual(codes((await call('verificationCode', { requestId, verificationCode: code })).body), [
    'H456',
  ]);
});

test('channel, source and address rules', async () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ recipient: '+905538880002', type: ['MESAJ'], source: 'IYS_EPOSTA' }, ['H452']],
    [{ recipient: '+905538880002', type: ['EPOSTA'], source: 'IYS_EPOSTA' }, ['H459']],
    [{ recipient: 'ali@example.com', type: ['MESAJ'], source: 'IYS_CM' }, ['H464']],
    [{ recipient: 'ali@example.com', type: ['FAX'], source: 'IYS_EPOSTA' }, ['H450']],
    [{ recipient: 'ali@example.com', type: [], source: 'IYS_EPOSTA' }, ['H111']],
  ];
  for (const [body, expected] of cases) {
    const response = await call('overIys', { recipientType: 'BIREYSEL', ...body });
    assert.deepEqual(codes(response.body), expected, JSON.stringify(body));
  }
  for (const [body, expected] of [
    [{ requestId: 'x', verificationCode: '123456' }, ['H454']],
    [{ requestId: '00000000-0000-4000-8000-000000000000', verificationCode: '12' }, ['H455']],
    [{ requestId: '00000000-0000-4000-8000-000000000000', verificationCode: '123456' }, ['H456']],
  ] as const) {
    assert.deepEqual(codes((await call('verificationCode', body)).body), expected);
  }
});

test('limits: not twice within 3 minutes, at most twice a day, codes expire after 3 minutes', async () => {
  const email = 'yolu@example.com';
  const start = () =>
    call('overIys', { recipient: email, recipientType: 'BIREYSEL', type: ['EPOSTA'], source: 'IYS_EPOSTA' });
  const first = await start();
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual(codes((await start()).body), ['H465']);
  now = new Date(now.getTime() + 4 * 60_000);
  const code = await codeSentTo(email);
  const expired = await call('verificationCode', {
    requestId: first.json().requestId,
    verificationCode: code,
  });
  assert.deepEqual(codes(expired.body), ['H460']);
  assert.equal((await start()).statusCode, 200);
  now = new Date(now.getTime() + 4 * 60_000);
  assert.deepEqual(codes((await start()).body), ['H453']);
});
