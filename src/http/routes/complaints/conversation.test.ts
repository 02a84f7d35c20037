/**
 * A complaint end to end (issue 13, item 2): the brand chosen by name, the screenshot seen by the regulator,
 * the regulator's request for more information answered by the citizen in the portal.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signIn, type SignedInCitizen } from '../../../../test/helpers/citizen.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import {
  DEMO,
  recentWireDate,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../../../test/helpers/system.js';

let t: TestSystem;
let citizen: SignedInCitizen;
let staffKey: string;
const phone = '+905557770011';
// The smallest PNG the sniffer accepts: its 8-byte signature, then anything.
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('pixels'),
]);

before(async () => {
  t = await startTestSystem();
  await recordConsent(t, await t.token(), {
    recipient: phone,
    type: 'MESAJ',
    consentDate: recentWireDate(3600_000),
  });
  citizen = await signIn(t, phone);
  staffKey = await t.system.regulator.addKey('Ayşe Denetçi');
});
after(() => t.close());

const staff = (method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${staffKey}` },
    ...(payload ? { payload } : {}),
  });

async function fileComplaint(withScreenshot: boolean): Promise<string> {
  const form = multipart(
    {
      addressId: citizen.addressId,
      brandCode: String(DEMO.brandCode),
      type: 'MESAJ',
      receivedAt: recentWireDate(60_000),
      messageText: 'Ret verdiğim halde kampanya SMS’i geldi.',
    },
    withScreenshot ? { field: 'screenshot', name: 'ekran.png', type: 'image/png', data: PNG } : undefined,
  );
  const filed = await t.app.inject({
    method: 'POST',
    url: '/api/citizen/complaints',
    headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrfToken, 'content-type': form.contentType },
    payload: form.payload,
  });
  assert.equal(filed.statusCode, 200, filed.body);
  return filed.json().id;
}

test('a citizen finds a brand by a part of its name, Turkish capitals included', async () => {
  const find = async (q: string) =>
    (await citizen.call('GET', `/api/citizen/brands?q=${encodeURIComponent(q)}`)).json() as Array<{
      brandCode: number;
      name: string;
      company: string;
    }>;
  assert.deepEqual(
    (await find('demo')).map((b) => [b.brandCode, b.name, b.company]),
    [
      [DEMO.brandCode, 'Demo Marka', 'Demo Hizmet Sağlayıcı A.Ş.'],
      [700011, 'Demo Marka İki', 'Demo Hizmet Sağlayıcı A.Ş.'],
    ],
  );
  assert.deepEqual(
    (await find('MARKA İKİ')).map((b) => b.brandCode),
    [700011],
  );
  assert.deepEqual(
    (await find('marka iki')).map((b) => b.brandCode),
    [700011],
  );
  assert.deepEqual(await find('d'), [], 'two letters at least');
  assert.deepEqual(await find('%%'), [], 'a wildcard is a letter, not a pattern');
  const signedOut = await t.app.inject({ method: 'GET', url: '/api/citizen/brands?q=demo' });
  assert.equal(signedOut.statusCode, 401);
});

test('the regulator sees the attached screenshot, served as an image only, and the viewing is audited', async () => {
  const id = await fileComplaint(true);
  const shot = await staff('GET', `/api/regulator/complaints/${id}/screenshot`);
  assert.equal(shot.statusCode, 200, shot.body);
  assert.equal(shot.headers['content-type'], 'image/png');
  assert.deepEqual(shot.rawPayload, PNG);
  assert.equal(shot.headers['x-content-type-options'], 'nosniff');
  assert.match(String(shot.headers['content-security-policy']), /script-src 'self'/);
  const listed = (await staff('GET', '/api/regulator/complaints')).json();
  assert.equal(listed.find((c: { id: string }) => c.id === id).hasScreenshot, true);
  const audited = (
    await staff('GET', `/api/regulator/audit?action=complaint.screenshot&target=complaint:${id}`)
  ).json();
  assert.equal(audited.length, 1);

  const without = await fileComplaint(false);
  const none = await staff('GET', `/api/regulator/complaints/${without}/screenshot`);
  assert.equal(none.statusCode, 404);
  assert.equal(none.json().errors[0].code, 'H933');
  const citizenAsks = await citizen.call('GET', `/api/regulator/complaints/${id}/screenshot`);
  assert.equal(citizenAsks.statusCode, 401, 'a citizen session is not a staff session');
});

test('asked for more information, the citizen answers in the portal and the complaint returns to the regulator', async () => {
  const id = await fileComplaint(false);
  const early = await citizen.call('POST', `/api/citizen/complaints/${id}/replies`, { text: 'Ek bilgi' });
  assert.equal(early.statusCode, 409, 'nothing was asked yet');
  assert.equal(early.json().errors[0].code, 'H991');

  const asked = await staff('POST', `/api/regulator/complaints/${id}/decision`, {
    decision: 'needs_information',
    note: 'İletinin geldiği numarayı yazar mısınız?',
  });
  assert.equal(asked.statusCode, 200, asked.body);
  const mine = (await citizen.call('GET', '/api/citizen/complaints')).json();
  const waiting = mine.find((c: { id: string }) => c.id === id);
  assert.equal(waiting.status, 'needs_information');
  assert.equal(waiting.decisionNote, 'İletinin geldiği numarayı yazar mısınız?');
  assert.match(waiting.decidedAt, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  const empty = await citizen.call('POST', `/api/citizen/complaints/${id}/replies`, { text: '   ' });
  assert.equal(empty.json().errors[0].code, 'H923');
  const replied = await citizen.call('POST', `/api/citizen/complaints/${id}/replies`, {
    text: 'Numara 3338 idi.',
  });
  assert.equal(replied.statusCode, 200, replied.body);
  assert.equal(replied.json().status, 'received');
  assert.deepEqual(
    replied.json().replies.map((r: { text: string }) => r.text),
    ['Numara 3338 idi.'],
  );
  const again = await citizen.call('POST', `/api/citizen/complaints/${id}/replies`, { text: 'Bir daha' });
  assert.equal(again.statusCode, 409, 'one answer per request');

  const queue = (await staff('GET', '/api/regulator/complaints?status=received')).json();
  const back = queue.find((c: { id: string }) => c.id === id);
  assert.deepEqual(
    back.replies.map((r: { text: string }) => r.text),
    ['Numara 3338 idi.'],
  );

  const stranger = await signIn(t, '+905557770012');
  const notMine = await stranger.call('POST', `/api/citizen/complaints/${id}/replies`, { text: 'x' });
  assert.equal(notMine.statusCode, 404);
  assert.equal(notMine.json().errors[0].code, 'H933');
});
