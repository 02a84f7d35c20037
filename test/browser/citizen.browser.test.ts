import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO, recentWireDate } from '../helpers/system.js';
import {
  assertAccessible,
  assertFitsScreen,
  SCREENSHOTS,
  startBrowserTestbed,
  type BrowserTestbed,
} from './browser.js';

let bed: BrowserTestbed;
let token: string;
before(async () => {
  bed = await startBrowserTestbed();
  token = await bed.providerToken();
});
after(() => bed.close());

async function provide(recipient: string, type: string, consentDate = recentWireDate()) {
  const response = await fetch(`${bed.url}/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      recipient,
      recipientType: 'BIREYSEL',
      type,
      status: 'ONAY',
      source: 'HS_WEB',
      consentDate,
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function changesFeed(): Promise<
  Array<{ recipient: string; type: string; status: string; source: string }>
> {
  const response = await fetch(
    `${bed.url}/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}/consents/changes?source=IYS`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  return (
    (await response.json()) as {
      list: Array<{ recipient: string; type: string; status: string; source: string }>;
    }
  ).list;
}

/**
 * Signs in through the page, reading the one-time code from the sandbox outbox as a person reads an SMS.
 * `typed` is the address as the person writes it (by default exactly as stored).
 */
async function signInThroughPage(page: Page, address: string, screenshot?: string, typed = address) {
  await page.goto(bed.url);
  await page.getByLabel('Cep telefonu veya e-posta adresi').fill(typed);
  if (screenshot) await page.screenshot({ path: path.join(SCREENSHOTS, screenshot) });
  const sentAfter = new Date();
  await page.getByRole('button', { name: 'Kod gönder' }).click();
  const message = await bed.system.devOutbox!.waitFor(
    (m) => m.to === address && m.at >= sentAfter && /kodunuz/.test(m.text),
  );
  const code = /kodunuz: (\d{6})/.exec(message.text)![1]!;
  await page.getByLabel('Size gönderilen 6 haneli kod').fill(code);
  await page.getByRole('button', { name: 'Doğrula' }).click();
  await page.getByRole('heading', { name: 'İzinlerim' }).waitFor();
}

test('sign in with a code from the outbox, see a consent uploaded through the API, refuse it, and the provider sees it', async () => {
  const phone = '+905559990001';
  await provide(phone, 'MESAJ');
  await provide(phone, 'ARAMA');
  const page = await bed.newPage();
  await signInThroughPage(page, phone, '01-sign-in.png');

  const row = page.getByTestId(`consent-${DEMO.brandCode}-MESAJ`);
  await row.getByText('Onaylı').waitFor();
  // Sources read as words; the İYS code is the tooltip.
  assert.equal(await row.locator('abbr[title="HS_WEB"]').textContent(), 'Web sitesi');
  assert.equal(await page.getByRole('heading', { name: /Demo Marka/ }).count(), 1);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '02-my-consents.png'), fullPage: true });

  await row.getByRole('button', { name: 'Reddet' }).click();
  await row.getByText('Reddedildi').waitFor();
  await page.getByRole('status').getByText('Değişiklik kaydedildi').waitFor();
  await page.getByRole('button', { name: 'Geçmiş' }).click();
  await page.getByText(/SMS: Reddedildi \(İYS web sitesi\)/).waitFor();
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '03-refused.png'), fullPage: true });

  const feed = await changesFeed();
  assert.deepEqual(
    feed.filter((m) => m.recipient === phone).map((m) => [m.type, m.status, m.source]),
    [['MESAJ', 'RET', 'IYS_WEB']],
  );

  // The same page in English, on a phone-sized screen.
  await provide('+905559990002', 'MESAJ');
  const mobile = await bed.newPage({ mobile: true });
  await signInThroughPage(mobile, '+905559990002');
  await mobile.getByRole('button', { name: 'English' }).click();
  await mobile.getByRole('heading', { name: 'My consents' }).waitFor();
  await assertAccessible(mobile);
  await mobile.screenshot({ path: path.join(SCREENSHOTS, '04-mobile-english.png') });
});

test('a person refuses, then erases the address; the refusal is kept for its legal period', async () => {
  const phone = '+905559990031';
  await provide(phone, 'MESAJ');
  const page = await bed.newPage();
  await signInThroughPage(page, phone);
  // Erasure is offered only once nothing is given: the ONAY is refused first.
  assert.equal(await page.getByRole('button', { name: /Adresimi sil/ }).count(), 0);
  const row = page.getByTestId(`consent-${DEMO.brandCode}-MESAJ`);
  await row.getByRole('button', { name: 'Reddet' }).click();
  await row.getByText('Reddedildi').waitFor();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: /Adresimi sil/ }).click();
  await page
    .getByRole('status')
    .getByText(/Retleriniz yasal süre gereği \d{4}-\d{2}-\d{2} tarihine kadar saklanacak/)
    .waitFor();
  await assertAccessible(page);
  await page.getByRole('article', { name: '+90 555 999 00 31' }).waitFor({ state: 'detached' });
});

test('on a phone, numbers are typed as people write them, errors read plainly, and every value and button fits', async () => {
  const phone = '+905559990005';
  await provide(phone, 'MESAJ');
  await provide(phone, 'ARAMA');
  const page = await bed.newPage({ mobile: true });
  await page.goto(bed.url);
  // A digit short: the error says what to type, in Turkish, without the API's words.
  await page.getByLabel('Cep telefonu veya e-posta adresi').fill('0555 999 00 0');
  await page.getByRole('button', { name: 'Kod gönder' }).click();
  const refusal = (await page.getByRole('alert').textContent()) ?? '';
  assert.match(refusal, /Cep numaranızı 0532 123 45 67 gibi yazın/);
  assert.doesNotMatch(refusal, /E\.164|recipient|alıcı/i);

  await signInThroughPage(page, phone, undefined, '0555 999 00 05');
  await page.getByTestId(`consent-${DEMO.brandCode}-MESAJ`).getByRole('button', { name: 'Reddet' }).waitFor();
  await assertFitsScreen(page);
  // Each value is named by its column on the phone's stacked rows.
  const cell = page.getByTestId(`consent-${DEMO.brandCode}-MESAJ`).getByRole('cell').nth(1);
  assert.equal(await cell.getAttribute('data-label'), 'Durum');

  // A second number, typed without the trunk zero and with the country code spaced out.
  for (const [typed, stored] of [
    ['555 999 00 06', '+905559990006'],
    ['+90 (555) 999-00-07', '+905559990007'],
  ] as const) {
    const sentAfter = new Date();
    await page.getByLabel('Cep telefonu veya e-posta adresi').fill(typed);
    await page.getByRole('button', { name: 'Kod gönder' }).click();
    const message = await bed.system.devOutbox!.waitFor(
      (m) => m.to === stored && m.at >= sentAfter && /kodunuz/.test(m.text),
    );
    await page.getByLabel('Size gönderilen 6 haneli kod').fill(/kodunuz: (\d{6})/.exec(message.text)![1]!);
    await page.getByRole('button', { name: 'Doğrula' }).click();
    await page.getByRole('status').getByText('Adres eklendi.').waitFor();
  }
  await page.getByRole('article', { name: '+90 555 999 00 07' }).waitFor();
  await assertFitsScreen(page);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '16-mobile-consents.png'), fullPage: true });
});

test('the one-tap opt-out link from a consent notice refuses the consent without signing in', async () => {
  const phone = '+905559990003';
  await provide(phone, 'MESAJ');
  const notice = await bed.system.devOutbox!.waitFor((m) => m.to === phone && m.text.includes('/r/'), 20_000);
  const link = /(http:\/\/\S+\/r\/\S+)/.exec(notice.text)![1]!;

  const page = await bed.newPage({ mobile: true });
  await page.goto(link);
  await page.getByRole('heading', { name: 'Adınıza kaydedilen izin' }).waitFor();
  await page.getByText('+90 555 *** ** 03').waitFor();
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '05-short-link.png') });
  await page.getByRole('button', { name: 'Reddet' }).click();
  await page.getByText('Reddedildi').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Reddet' }).count(), 0, 'the link is spent');

  // The withdrawal receipt: verified in the browser, with today's head proved to extend it.
  await page.getByRole('link', { name: 'Ret makbuzunuzu görüntüleyin' }).click();
  const result = page.getByTestId('receipt-result');
  await result.getByText('✓ Makbuz geçerli').waitFor({ timeout: 15_000 });
  await result.getByText('Ret (izin geri alındı)').waitFor();
  await result.getByText(/✓ Günlüğün bugünkü imzalı başı/).waitFor();
  assert.equal(await result.getByText('+90 555 *** ** 03').count(), 1);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '15-receipt-verifier.png'), fullPage: true });

  // The same receipt, changed by one character, fails in the verifier: the hash no longer matches.
  const download = (
    await (await page.request.get(`${bed.url}/api/receipts/${page.url().split('/makbuz/')[1]}`)).json()
  ).receipts[0];
  const forgedReceipt = JSON.stringify({
    ...download,
    receipt: { ...download.receipt, canonical: download.receipt.canonical.replace('"RET"', '"ONAY"') },
  });
  const verifier = await bed.newPage();
  await verifier.goto(`${bed.url}/dogrula`);
  await verifier.getByLabel('veya makbuzu buraya yapıştırın').fill(forgedReceipt);
  await verifier.getByRole('button', { name: 'Doğrula' }).click();
  await verifier.getByTestId('receipt-result').getByText('✗ Makbuz GEÇERSİZ').waitFor();
  await verifier.getByText(/✗ Kaydın özeti/).waitFor();
  await verifier.getByText('Makbuzdaki kayıt metni değiştirilmiş: özeti tutmuyor.').waitFor();

  const feed = await changesFeed();
  assert.deepEqual(
    feed.filter((m) => m.recipient === phone).map((m) => [m.type, m.status, m.source]),
    [['MESAJ', 'RET', 'IYS_KISA_LINK']],
  );

  const forged = await bed.newPage();
  await forged.goto(`${bed.url}/r/forged.AAAAAAAAAAAAAAAAAAAAAA`);
  await forged.getByRole('alert').getByText('Bağlantı geçersiz veya süresi dolmuş.').waitFor();
});

test('filing a complaint with a screenshot shows the registry’s verdict', async () => {
  const phone = '+905559990004';
  // Recorded ten minutes ago (dated an hour ago): in force when the message comes, a minute ago.
  await bed.recordedAgo(600_000, () => provide(phone, 'MESAJ', recentWireDate(3600_000)));
  const page = await bed.newPage();
  await signInThroughPage(page, phone);
  const row = page.getByTestId(`consent-${DEMO.brandCode}-MESAJ`);
  await row.getByRole('button', { name: 'Reddet' }).click();
  await row.getByText('Reddedildi').waitFor();

  await page.getByRole('link', { name: 'Şikayetlerim' }).click();
  // The brand is chosen by name: the citizen's own brands are offered, others found by typing.
  await page.getByLabel('Markayı adıyla arayın').fill('marka iki');
  await page
    .getByRole('option', { name: 'Demo Marka İki — Demo Hizmet Sağlayıcı A.Ş.' })
    .waitFor({ state: 'attached' });
  await page.getByLabel('Markayı adıyla arayın').fill('');
  await page
    .getByRole('option', { name: 'Demo Marka — Demo Hizmet Sağlayıcı A.Ş.' })
    .waitFor({ state: 'attached' });
  // A search answered after the field was cleared is dropped: its late answer showed other brands under
  // an empty field. The answer is held until the field is cleared.
  const search = /\/api\/citizen\/brands\?q=marka%20iki$/;
  let releaseSearch = () => {};
  const searchHeld = new Promise<void>((resolve) => (releaseSearch = resolve));
  await page.route(search, async (route) => {
    await searchHeld;
    await route.continue();
  });
  const searchAsked = page.waitForRequest(search);
  await page.getByLabel('Markayı adıyla arayın').fill('marka iki');
  await searchAsked;
  await page.getByLabel('Markayı adıyla arayın').fill('');
  const searchAnswered = page.waitForResponse(search);
  releaseSearch();
  await searchAnswered;
  await page.unroute(search);
  const lateAnswerShown = await page
    .getByRole('option', { name: 'Demo Marka İki — Demo Hizmet Sağlayıcı A.Ş.' })
    .waitFor({ state: 'attached', timeout: 1500 })
    .then(
      () => true,
      () => false,
    );
  assert.equal(lateAnswerShown, false, 'the cleared field keeps offering the citizen’s own brands');
  await page.getByLabel('Marka', { exact: true }).selectOption(String(DEMO.brandCode));
  // datetime-local takes Türkiye wall-clock time: a minute ago.
  const aMinuteAgo = new Date(Date.now() + 3 * 3600_000 - 60_000).toISOString().slice(0, 16);
  await page.getByLabel('İletinin geldiği tarih ve saat').fill(aMinuteAgo);
  await page.getByLabel('İletinin metni').fill('Bugüne özel %50 indirim! Hemen alışverişe başlayın.');
  // A real 1×1 PNG, so the regulator's console can draw it.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  await page
    .getByLabel(/Ekran görüntüsü/)
    .setInputFiles({ name: 'ekran.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: 'Gönder' }).click();
  const verdict = page.getByTestId('verdict');
  await verdict.waitFor();
  const text = (await verdict.textContent()) ?? '';
  // The message came a minute ago, while the ONAY recorded an hour ago was still in force.
  assert.ok(/Şikayetiniz alındı\. İleti anında onay geçerliydi/.test(text), text);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '06-complaint.png'), fullPage: true });

  // A fake image is refused with a clear message and nothing is filed.
  await page.getByLabel('İletinin geldiği tarih ve saat').fill(aMinuteAgo);
  await page.getByLabel('İletinin metni').fill('x');
  await page
    .getByLabel(/Ekran görüntüsü/)
    .setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
  await page.getByRole('button', { name: 'Gönder' }).click();
  await page
    .getByRole('alert')
    .getByText(/PNG veya JPEG/)
    .waitFor();
  assert.equal(await page.locator('article.card').count(), 1);

  // The regulator asks for more; the citizen reads the note in the portal and answers there.
  const console = await bed.newPage();
  await console.goto(`${bed.url}/kurul`);
  await console.getByLabel('Personel API anahtarı').fill(bed.sandboxStaffKey);
  await console.getByRole('button', { name: 'Giriş yap' }).click();
  await console
    .getByRole('button', { name: /\d{4}-\d{2}-\d{2}/ })
    .first()
    .click();
  const screenshot = console.getByRole('img', { name: 'Vatandaşın eklediği ekran görüntüsü' });
  await screenshot.waitFor();
  await console.waitForFunction(() => {
    const img = document.querySelector('img.screenshot') as HTMLImageElement | null;
    return img !== null && img.complete && img.naturalWidth === 1;
  });
  await console.getByLabel('Karar').selectOption('needs_information');
  await console.getByLabel('Not').fill('İleti hangi numaradan geldi?');
  await console.getByRole('button', { name: 'Kararı kaydet' }).click();
  await console.getByRole('cell').getByText('Ek bilgi gerekiyor').waitFor();

  await page.reload();
  const card = page.getByRole('article').filter({ hasText: 'İleti hangi numaradan geldi?' });
  await card.getByTestId('complaint-status').getByText('Ek bilgi gerekiyor').waitFor();
  await card.getByLabel('Kurulun istediği bilgi').fill('0850 000 00 00 numarasından geldi.');
  await card.getByRole('button', { name: 'Yanıtı gönder' }).click();
  await card.getByTestId('complaint-status').getByText('Alındı').waitFor();
  await card.getByText(/0850 000 00 00 numarasından geldi\./).waitFor();
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '21-complaint-reply.png'), fullPage: true });

  await console.reload();
  await console
    .getByRole('button', { name: /\d{4}-\d{2}-\d{2}/ })
    .first()
    .click();
  await console.getByRole('heading', { name: 'Vatandaşın yanıtları' }).waitFor();
  await console.getByText('0850 000 00 00 numarasından geldi.').waitFor();
});

test('the public transparency page lists every provider without personal data', async () => {
  const page = await bed.newPage();
  await page.goto(`${bed.url}/seffaflik`);
  await page.getByRole('heading', { name: 'Şeffaflık' }).waitFor();
  await page.getByRole('cell', { name: 'Demo Hizmet Sağlayıcı A.Ş.' }).waitFor();
  await page.getByRole('cell', { name: 'Diğer Şirket Ltd.' }).waitFor();
  assert.doesNotMatch(await page.content(), /\+90555999/);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '07-transparency.png'), fullPage: true });
});
