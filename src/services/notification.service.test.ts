import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  recentWireDate,
  citizenChanges,
  DEMO,
  OTHER,
  recordConsent,
  startTestSystem,
  type TestSystem,
} from '../../test/helpers/system.js';
import { signIn } from '../../test/helpers/citizen.js';
import { beginLateEvent, holdLogHorizon } from '../../test/helpers/database.js';
import { smsLength } from '../domain/sms-length.js';
import { composeSms } from './notification.service.js';

let t: TestSystem;
let token: string;
let otherToken: string;
/** Moves the registry's clock forward (the last test needs "the next day"). */
let offsetMs = 0;
before(async () => {
  t = await startTestSystem({ clock: () => new Date(Date.now() + offsetMs) });
  token = await t.token();
  otherToken = await t.token(OTHER.username, OTHER.password);
});
after(() => t.close());

const provide = (bearer: string, iysCode: number, brandCode: number, consent: Record<string, unknown>) =>
  recordConsent(t, bearer, consent, { iysCode, brandCode });

test('several ONAYs for one person become one message, whose link refuses each exactly once', async () => {
  const phone = '+905552220001';
  // The notice reader must see the four movements together, not wake between two of them.
  const horizon = await holdLogHorizon(t.database.url);
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'MESAJ' });
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'ARAMA' });
  await provide(otherToken, OTHER.iysCode, OTHER.brandCode, { recipient: phone, type: 'MESAJ' });
  // A trader is not notified; nor is a RET.
  await provide(token, DEMO.iysCode, DEMO.secondBrandCode, {
    recipient: phone,
    type: 'MESAJ',
    recipientType: 'TACIR',
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(
    t.system.devOutbox!.list().filter((m) => m.to === phone).length,
    0,
    'nothing is read past the horizon',
  );
  await horizon.release();

  const sent = await t.system.devOutbox!.waitFor((m) => m.to === phone, 15_000);
  assert.equal(sent.channel, 'sms');
  // One SMS segment: GSM-7 (Turkish without ğ ı ş), each consent named, a short link at the end.
  assert.match(
    sent.text,
    /^IYS: Adiniza 3 izin kaydedildi: Demo Marka SMS, Demo Marka arama, Diger Marka SMS\. Istemiyorsaniz reddedin: http:\/\/\S+\/r\/[A-Za-z0-9]{10}$/,
  );
  assert.deepEqual(smsLength(sent.text), { encoding: 'GSM-7', units: sent.text.length, segments: 1 });
  assert.ok(/https?:\/\/\S+$/.exec(sent.text)![0].length < 40, 'the link is under 40 characters');
  assert.doesNotMatch(sent.text, /Demo Marka Iki/);
  assert.equal(
    t.system.devOutbox!.list().filter((m) => m.to === phone).length,
    1,
    'coalesced into one message',
  );

  const token_ = /\/r\/([A-Za-z0-9_.-]+)/.exec(sent.text)![1]!;
  const page = await t.app.inject(`/api/short-links/${token_}`);
  assert.equal(page.statusCode, 200, page.body);
  assert.equal(page.json().address, '+90 555 *** ** 01');
  const items = page.json().items as Array<{
    eventId: string;
    brandName: string;
    type: string;
    canReject: boolean;
  }>;
  assert.equal(items.length, 3);
  assert.ok(items.every((i) => i.canReject));

  const target = items.find((i) => i.brandName === 'Demo Marka' && i.type === 'MESAJ')!;
  const reject = () =>
    t.app.inject({
      method: 'POST',
      url: `/api/short-links/${token_}/reject`,
      payload: { eventId: target.eventId },
    });
  const refused = await reject();
  assert.equal(refused.statusCode, 200, refused.body);
  assert.match(refused.json().receiptUrl, /\/makbuz\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  const replay = await reject();
  assert.equal(replay.statusCode, 409);
  assert.equal(replay.json().errors[0].code, 'H921');

  const feed = await citizenChanges(t, token);
  assert.deepEqual(
    feed.map((m: { recipient: string; type: string; status: string; source: string }) => [
      m.recipient,
      m.type,
      m.status,
      m.source,
    ]),
    [[phone, 'MESAJ', 'RET', 'IYS_KISA_LINK']],
  );
  const afterPage = (await t.app.inject(`/api/short-links/${token_}`)).json();
  assert.equal(afterPage.items.filter((i: { canReject: boolean }) => i.canReject).length, 2);

  // The link cannot be turned against another consent of the same person.
  const stranger = await t.app.inject({
    method: 'POST',
    url: `/api/short-links/${token_}/reject`,
    payload: { eventId: String(Math.max(...items.map((i) => Number(i.eventId))) + 1) },
  });
  assert.equal(stranger.json().errors[0].code, 'H920');
});

test('forged, altered and garbage links are refused and change nothing', async () => {
  for (const bad of ['x', 'eyJlIjoiMSJ9.AAAAAAAAAAAAAAAAAAAAAA', '%00']) {
    const response = await t.app.inject(`/api/short-links/${encodeURIComponent(bad)}`);
    assert.equal(response.statusCode, 410, bad);
    assert.equal(response.json().errors[0].code, 'H920');
  }
});

test('an e-mail address is told by e-mail', async () => {
  const email = 'bildirim.testi@example.com';
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: email, type: 'EPOSTA' });
  const sent = await t.system.devOutbox!.waitFor((m) => m.to === email, 15_000);
  assert.equal(sent.channel, 'email');
  assert.equal(sent.subject, 'İYS: adınıza ticari ileti izni kaydedildi');
  assert.match(sent.text, /Demo Marka \(Demo Hizmet Sağlayıcı A\.Ş\.\) – e-posta/);
});

test('a record of the company’s past (HS_2015) sends no notice, yet the person sees it', async () => {
  const legacy = '+905552220101';
  const fresh = '+905552220102';
  await provide(token, DEMO.iysCode, DEMO.brandCode, {
    recipient: legacy,
    type: 'MESAJ',
    source: 'HS_2015',
    consentDate: '2015-05-01 00:00:00',
  });
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: fresh, type: 'MESAJ' });
  await t.system.devOutbox!.waitFor((m) => m.to === fresh, 15_000);
  assert.deepEqual(
    t.system.devOutbox!.list().filter((m) => m.to === legacy),
    [],
    'no message for the legacy record',
  );
  assert.equal(await t.system.notifications.countPending(), 0, 'nor one waiting to be sent');

  const citizen = await signIn(t, legacy);
  const consents = (await citizen.call('GET', '/api/citizen/consents')).json() as { source: string }[];
  assert.ok(
    JSON.stringify(consents).includes('HS_2015'),
    `the citizen sees the legacy consent: ${JSON.stringify(consents)}`,
  );
});

test('ONAY notices to one person: at most one message a day, each consent listed once', async () => {
  const phone = '+905552220099';
  const messagesTo = () => t.system.devOutbox!.list().filter((m) => m.to === phone);
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'MESAJ' });
  await t.system.devOutbox!.waitFor((m) => m.to === phone, 15_000);
  assert.equal(messagesTo().length, 1);

  // Later the same day: another ONAY, and one consent refused and given again (recorded twice).
  await provide(token, DEMO.iysCode, DEMO.secondBrandCode, { recipient: phone, type: 'MESAJ' });
  await provide(otherToken, OTHER.iysCode, OTHER.brandCode, {
    recipient: phone,
    type: 'MESAJ',
    consentDate: recentWireDate(30_000),
  });
  await provide(otherToken, OTHER.iysCode, OTHER.brandCode, {
    recipient: phone,
    type: 'MESAJ',
    status: 'RET',
    consentDate: recentWireDate(20_000),
  });
  await provide(otherToken, OTHER.iysCode, OTHER.brandCode, {
    recipient: phone,
    type: 'MESAJ',
    consentDate: recentWireDate(10_000),
  });
  await t.system.notifications.dispatchPending();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(messagesTo().length, 1, 'held until a day has passed since the last notice');
  assert.ok((await t.system.notifications.countPending()) >= 3);

  offsetMs = 25 * 3600_000;
  await t.system.notifications.dispatchPending();
  const next = await t.system.devOutbox!.waitFor((m) => m.to === phone && /Diger Marka/.test(m.text), 15_000);
  assert.equal(messagesTo().length, 2);
  assert.equal(next.text.match(/Diger Marka/g)!.length, 1, `listed once: ${next.text}`);
  assert.equal(next.text.match(/Demo Marka Iki/g)!.length, 1);
  assert.doesNotMatch(next.text, /Demo Marka SMS/, 'the first day’s consent is not told again');
});

test('a notice whose event commits after a later one is still sent (the cursor never passes it)', async () => {
  const late = '+905552220201';
  const early = '+905552220202';
  offsetMs = 0; // back from the day the test above moved to
  const token = await t.token();
  // The late person's address is on file (a trader record notifies no one).
  await provide(token, DEMO.iysCode, DEMO.brandCode, {
    recipient: late,
    type: 'MESAJ',
    recipientType: 'TACIR',
  });
  // A writer takes its event id first and commits last: the id is below the next write's.
  const lateWriter = await beginLateEvent(t.database.url, { recipientType: 'BIREYSEL', type: 'ARAMA' });
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: early, type: 'MESAJ' });
  // Nothing after a transaction still running is read: it could yet commit an event before them.
  await t.system.notifications.dispatchPending();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(
    t.system.devOutbox!.list().filter((m) => m.to === early || m.to === late),
    [],
  );
  await lateWriter.commit();
  await t.system.notifications.dispatchPending();
  const told = await t.system.devOutbox!.waitFor((m) => m.to === late, 15_000);
  assert.match(told.text, /^IYS: Demo Marka \(Demo Hizmet Saglayici A\.S\.\) arama izniniz kaydedildi\. /);
  await t.system.devOutbox!.waitFor((m) => m.to === early, 15_000);
});

test('a notice always fits one SMS: long names give way to the brand alone, then to a count', () => {
  const link = 'https://iys.example.com.tr/r/AbCdEfGhIj';
  assert.ok(link.length < 40);
  const notice = (brand_name: string, company: string, type = 'MESAJ') => ({ brand_name, company, type });
  const full = composeSms([notice('Çiçek Dünyası', 'Çiçek Dünyası Ticaret A.Ş.')], link);
  assert.equal(
    full,
    `IYS: Çicek Dünyasi (Çicek Dünyasi Ticaret A.S.) SMS izniniz kaydedildi. Istemiyorsaniz reddedin: ${link}`,
  );
  const long = composeSms([notice('Marka', 'Ş'.repeat(120))], link);
  assert.equal(long, `IYS: Marka SMS izniniz kaydedildi. Istemiyorsaniz reddedin: ${link}`);
  const many = composeSms(
    Array.from({ length: 10 }, (_, i) => notice(`Uzun Bir Marka Adı ${i}`, 'Şirket', 'ARAMA')),
    link,
  );
  assert.equal(many, `IYS: Adiniza 10 ticari ileti izni kaydedildi. Istemiyorsaniz reddedin: ${link}`);
  const emoji = composeSms([notice('Yıldız 🌟', 'Şirket')], link);
  assert.doesNotMatch(emoji, /🌟/, 'a name that would make the SMS UCS-2 is left to the link’s page');
  for (const text of [full, long, many, emoji]) assert.deepEqual(smsLength(text).segments, 1, text);
});

test('a notice’s short link ends after 30 days', async () => {
  const phone = '+905552220301';
  offsetMs = 0;
  await provide(token, DEMO.iysCode, DEMO.brandCode, { recipient: phone, type: 'MESAJ' });
  const sent = await t.system.devOutbox!.waitFor((m) => m.to === phone, 15_000);
  const code = /\/r\/([A-Za-z0-9]{10})$/.exec(sent.text)![1]!;
  assert.equal((await t.app.inject(`/api/short-links/${code}`)).statusCode, 200);
  offsetMs = 31 * 24 * 3600_000;
  try {
    const expired = await t.app.inject(`/api/short-links/${code}`);
    assert.equal(expired.statusCode, 410, expired.body);
    assert.equal(expired.json().errors[0].code, 'H920');
  } finally {
    offsetMs = 0;
  }
});
