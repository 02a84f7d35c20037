import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/crypto/webhook-signature.js';
import { formatWireDate } from '../../src/domain/wire-date.js';
import { authenticator } from 'otplib';
import { AGREEMENT_PDF, onboardProvider, PERSON_APPLICATION } from '../helpers/portal.js';
import { signIn } from '../helpers/citizen.js';
import type { TestSystem } from '../helpers/system.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import {
  assertAccessible,
  assertFitsScreen,
  SCREENSHOTS,
  startBrowserTestbed,
  type BrowserTestbed,
} from './browser.js';

let bed: BrowserTestbed;
before(async () => {
  bed = await startBrowserTestbed();
});
after(() => bed.close());

test('a company applies, an admin approves, its admin sets a password from the invitation and signs in', async () => {
  const page = await bed.newPage();
  await page.goto(`${bed.url}/basvuru`);
  // The agreement to sign is offered on the form itself.
  const agreementDownload = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Hizmet sözleşmesini indir (PDF)' }).click();
  const agreement = readFileSync((await (await agreementDownload).path())!);
  assert.equal(agreement.subarray(0, 5).toString(), '%PDF-');
  await page.getByLabel('Ticaret unvanı / ad soyad').fill('Tarayıcı Ticaret A.Ş.');
  await page.getByLabel('Vergi kimlik numarası (10 hane)').fill('1234567890');
  await page.getByLabel('MERSİS numarası (16 hane)').fill('0123456789000015');
  await page.getByLabel('Vergi dairesi').fill('Beşiktaş');
  await page.getByLabel('Fatura adresi').fill('Levazım Mah. Koru Sok. No: 2 Beşiktaş / İstanbul');
  await page.getByLabel('Kurumsal e-posta adresi').fill('uyum@tarayici.example.com');
  await page.getByLabel('Yetkili kişinin adı soyadı').fill('Zeynep Kaya');
  await page.getByLabel('Yetkili kişinin T.C. kimlik numarası').fill('10000000146');
  await page
    .getByLabel('İmzalı hizmet sözleşmesi (PDF, en fazla 10 MB)')
    .setInputFiles({ name: 'sozlesme.pdf', mimeType: 'application/pdf', buffer: AGREEMENT_PDF });
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '10-provider-application.png'), fullPage: true });
  await page.getByRole('button', { name: 'Başvuruyu gönder' }).click();
  await page.getByText(/Başvurunuz alındı/).waitFor();
  // The applicant confirms by the link sent to the e-mail address the application names.
  const confirmation = await bed.system.devOutbox!.waitFor(
    (m) => m.to === 'uyum@tarayici.example.com' && m.text.includes('#onay='),
  );
  await page.goto(/(http:\/\/\S+\/basvuru#onay=\S+)/.exec(confirmation.text)![1]!);
  await page.getByText(/Başvurunuz onaylandı/).waitFor();

  // The first staff key is the one the sandbox printed at its start; /kurul says how to get one.
  const console = await bed.newPage();
  await console.goto(`${bed.url}/kurul`);
  await console.getByText(/npm run cli -- regulator-key add/).waitFor();
  await console.getByLabel('Personel API anahtarı').fill(bed.sandboxStaffKey);
  await console.getByRole('button', { name: 'Giriş yap' }).click();
  await console.getByRole('button', { name: 'Başvurular' }).click();
  const application = console.getByRole('article', { name: 'Tarayıcı Ticaret A.Ş.' });
  await application.getByText('0123456789000015').waitFor();
  await assertAccessible(console);
  await console.screenshot({ path: path.join(SCREENSHOTS, '11-application-review.png'), fullPage: true });
  await application.getByRole('button', { name: 'Onayla' }).click();
  await application.waitFor({ state: 'detached' });
  const approved = (await console.getByRole('status').textContent()) ?? '';
  assert.match(
    approved,
    /^Tarayıcı Ticaret A\.Ş\. onaylandı: İYS numarası \d+, ana marka kodu \d+\. .*davet/,
  );
  await console.getByLabel('Durum').selectOption('approved');
  await console.getByText(/Onaylandı: İYS numarası \d+/).waitFor();

  const invitation = await bed.system.devOutbox!.waitFor(
    (m) => m.to === 'uyum@tarayici.example.com' && m.text.includes('/firma/davet#'),
  );
  const link = /(http:\/\/\S+\/firma\/davet#\S+)/.exec(invitation.text)![1]!;
  await page.goto(link);
  await page.getByLabel('Yeni parola (en az 12 karakter)').fill('tarayıcı parolası 2026');
  await page.getByLabel('Parola (tekrar)').fill('tarayıcı parolası 2026');
  await page.getByRole('button', { name: 'Parolayı kaydet' }).click();
  await page.getByRole('heading', { name: /Tarayıcı Ticaret A\.Ş\./ }).waitFor();
  await page.getByRole('cell', { name: /Tarayıcı Ticaret A\.Ş\. · \d+ · ana marka/ }).waitFor();

  await page.getByRole('button', { name: 'API kullanıcıları' }).click();
  await page.getByLabel('Kullanıcı adı').fill('entegrasyon');
  await page.getByRole('button', { name: 'API kullanıcısı oluştur' }).click();
  const secret = await page.getByTestId('api-secret').textContent();
  assert.match(secret ?? '', /^[A-Za-z0-9_-]{24}$/);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '12-provider-portal.png'), fullPage: true });

  // A file of consents: two good rows, one bad; the progress bar fills and the error report names the row.
  const consentDate = formatWireDate(new Date(Date.now() - 3600_000));
  const file = [
    'recipient,recipientType,type,status,source,consentDate',
    `+905356660001,BIREYSEL,MESAJ,ONAY,HS_WEB,${consentDate}`,
    `+905356660002,BIREYSEL,ARAMA,ONAY,HS_CAGRI_MERKEZI,${consentDate}`,
    `+905356660003,BIREYSEL,MESAJ,ONAY,HS_YOK,${consentDate}`,
  ].join('\n');
  await page.getByRole('button', { name: 'Dosya yükleme' }).click();
  await page
    .getByLabel('Dosya (CSV veya XLSX)')
    .setInputFiles({ name: 'izinler.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await page.getByRole('button', { name: 'Yükle', exact: true }).click();
  await page.getByText('2 satır işlendi, 1 satır hatalı').waitFor();
  const bar = page.getByRole('progressbar', { name: 'izinler.csv' });
  assert.equal(await bar.getAttribute('value'), await bar.getAttribute('max'));
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '13-consent-upload.png'), fullPage: true });
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Hata raporu (CSV)' }).click();
  const report = readFileSync((await (await download).path())!, 'utf8');
  // Opens in Excel with its Turkish letters: a UTF-8 byte-order mark first.
  assert.match(report, /^\uFEFFrow,code,message,field\n4,H119,/);

  // A webhook to a local receiver: a change of the brand arrives signed, and the log shows it delivered.
  const receiver = await startWebhookReceiver();
  try {
    await page.getByRole('button', { name: 'Webhook' }).click();
    await page.getByLabel('Uç nokta adresi (https://…)').fill(receiver.url);
    await page.getByRole('button', { name: 'Webhook ekle' }).click();
    const webhookSecret = (await page.getByTestId('webhook-secret').textContent())!;
    const token = await fetch(`${bed.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: 'entegrasyon', password: secret! }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const iysCode = /İYS (\d+)/.exec((await page.getByRole('heading', { level: 1 }).textContent())!)![1];
    const masterBrand = await page.locator('#webhook-brand').inputValue();
    const added = await fetch(`${bed.url}/sps/${iysCode}/brands/${masterBrand}/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
      body: JSON.stringify({
        recipient: '+905356660001',
        recipientType: 'BIREYSEL',
        type: 'MESAJ',
        status: 'RET',
        source: 'HS_WEB',
        consentDate: formatWireDate(new Date(Date.now() - 60_000)),
      }),
    });
    assert.equal(added.status, 200, await added.text());
    const [hook] = await receiver.waitFor(1);
    assert.ok(verifyWebhook(webhookSecret, hook!.headers[SIGNATURE_HEADER] as string, hook!.body));
    // The receiver answers a moment before the delivery is recorded: look again until it shows.
    for (let attempt = 1; ; attempt++) {
      await page.getByRole('button', { name: 'Teslimatlar' }).click();
      const delivered = page
        .getByRole('table', { name: 'Teslimatlar' })
        .getByRole('cell', { name: 'Teslim edildi' });
      if (
        await delivered.waitFor({ timeout: 1000 }).then(
          () => true,
          () => attempt >= 10,
        )
      )
        break;
    }
    const row = page.getByRole('table', { name: 'Teslimatlar' }).getByRole('row').nth(1);
    await row.getByRole('cell', { name: 'Teslim edildi' }).waitFor();
    assert.equal(await row.getByRole('cell').nth(3).textContent(), '1', 'delivered at the first attempt');
    await assertAccessible(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, '14-webhooks.png'), fullPage: true });
  } finally {
    await receiver.close();
  }

  // A small company without IT types one consent in by hand, finds it, and reconciles the day on screen.
  await page.getByRole('button', { name: 'İzin ekle' }).click();
  await page.getByLabel('Telefon veya e-posta').fill('0535 666 00 09');
  await page.getByLabel('Arama').check();
  await page.getByLabel('Kaynak').selectOption('HS_ISLAK_IMZA');
  await page.getByRole('button', { name: 'İzni kaydet' }).click();
  await page
    .getByRole('status')
    .getByText(/İzin kaydedildi/)
    .waitFor();
  assert.match((await page.getByTestId('entry-transaction').textContent()) ?? '', /^[0-9a-f]{64}$/);
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '18-consent-entry.png'), fullPage: true });
  await page.getByRole('button', { name: 'İzin sorgula' }).click();
  await page.getByLabel('Telefon veya e-posta').fill('05356660009');
  await page.getByRole('button', { name: 'Sorgula', exact: true }).click();
  await page.locator('abbr[title="HS_ISLAK_IMZA"]').first().waitFor();

  await page.getByRole('button', { name: 'Mutabakat' }).click();
  await page.getByText('Bu gün bu markada hareket yok.').waitFor();
  await page.getByRole('link', { name: /hareket dosyasını indir/ }).waitFor();
  const today = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
  await page.getByLabel('Gün', { exact: true }).fill(today);
  const calls = page
    .getByRole('table', { name: `${today} günü hareketleri` })
    .getByRole('row', { name: /Arama Bireysel/ });
  assert.match((await calls.getByRole('cell').nth(2).textContent()) ?? '', /^[1-9]\d* Onay · \d+ Ret$/);
  await page.getByText('Hareket dosyası bugünden önceki 7 gün için indirilebilir.').waitFor();
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '19-reconciliation.png'), fullPage: true });

  // Signed out, the portal asks for the password again; the new one works.
  await page.getByRole('button', { name: /Çıkış yap/ }).click();
  await page.getByLabel('E-posta adresi').fill('uyum@tarayici.example.com');
  await page.getByLabel('Parola', { exact: true }).fill('tarayıcı parolası 2026');
  await page.getByRole('button', { name: 'Giriş yap' }).click();
  await page.getByRole('button', { name: 'Markalar ve izinler' }).waitFor();
  await assertFitsScreen(page);

  // The same portal on a phone keeps every value: a brand's SMS counts, an upload's status, a delivery.
  const phone = await bed.newPage({ mobile: true });
  await phone.goto(`${bed.url}/firma`);
  await phone.getByLabel('E-posta adresi').fill('uyum@tarayici.example.com');
  await phone.getByLabel('Parola', { exact: true }).fill('tarayıcı parolası 2026');
  await phone.getByRole('button', { name: 'Giriş yap' }).click();
  const smsCounts = phone.locator('td[data-label^="SMS"]').first();
  await smsCounts.waitFor();
  assert.match((await smsCounts.textContent()) ?? '', /^\d+ \/ \d+$/);
  assert.ok(await smsCounts.isVisible());
  await assertFitsScreen(phone);
  await assertAccessible(phone);
  await phone.screenshot({ path: path.join(SCREENSHOTS, '17-mobile-portal.png'), fullPage: true });
  for (const tab of ['Dosya yükleme', 'Webhook', 'API kullanıcıları']) {
    await phone.getByRole('button', { name: tab }).click();
    await phone.getByRole('heading', { level: 2 }).first().waitFor();
    await assertFitsScreen(phone);
  }
});

test('the application form works on a phone: the company-type choice switches the identity fields', async () => {
  const phone = await bed.newPage({ mobile: true });
  await phone.goto(`${bed.url}/basvuru`);
  await phone.getByLabel('Gerçek kişi (şahıs)').check();
  await phone.getByLabel('T.C. kimlik numarası', { exact: true }).waitFor();
  assert.equal(await phone.getByLabel('MERSİS numarası (16 hane)').count(), 0);
  await assertFitsScreen(phone);
  await phone.getByLabel('Tüzel kişi (şirket)').check();
  await phone.getByLabel('MERSİS numarası (16 hane)').waitFor();
  const radio = await phone.getByLabel('Tüzel kişi (şirket)').boundingBox();
  assert.ok(radio && radio.width < 60, `the radio button is a button, not a ${radio?.width} px wide field`);
});

test('two-step sign-in from a QR code with recovery codes, and a forgotten password by e-mail', async () => {
  const password = 'kişisel portal parolası';
  const asTestSystem = { app: bed.system.app, system: bed.system } as unknown as TestSystem;
  await onboardProvider(asTestSystem, PERSON_APPLICATION, password);
  const page = await bed.newPage();
  await page.goto(`${bed.url}/firma`);
  await page.getByLabel('E-posta adresi').fill(PERSON_APPLICATION.email);
  await page.getByLabel('Parola', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Giriş yap' }).click();

  await page.getByRole('button', { name: 'Güvenlik' }).click();
  await page.getByRole('button', { name: 'İki adımlı doğrulamayı aç' }).click();
  const qr = page.getByRole('img', { name: 'Doğrulama uygulamasıyla taranacak QR kodu' });
  await qr.waitFor();
  // Drawn under the Content-Security-Policy: the image loaded.
  assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0));
  const secret = (await page.getByTestId('totp-secret').textContent())!;
  await page.getByLabel('Doğrulama uygulamasındaki 6 haneli kod').fill(authenticator.generate(secret));
  await page.getByRole('button', { name: 'Aç', exact: true }).click();
  const codes = page.getByTestId('recovery-codes').getByRole('listitem');
  await codes.first().waitFor();
  assert.equal(await codes.count(), 10);
  const recoveryCode = (await codes.nth(3).textContent())!;
  await page.getByRole('link', { name: 'Kodları indir (metin dosyası)' }).waitFor();
  await page.getByText('İki adımlı doğrulama açık.').waitFor();
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '20-two-step.png'), fullPage: true });

  // Signed out, the password forgotten: a link by e-mail, and the second factor still asked for.
  await page.getByRole('button', { name: /Çıkış yap/ }).click();
  await page.getByRole('link', { name: 'Parolamı unuttum' }).click();
  await page.getByLabel('E-posta adresi').fill(PERSON_APPLICATION.email);
  const asked = new Date();
  await page.getByRole('button', { name: 'Bağlantı gönder' }).click();
  await page
    .getByRole('status')
    .getByText(/parola sıfırlama bağlantısı gönderildi/)
    .waitFor();
  const mail = await bed.system.devOutbox!.waitFor(
    (m) => m.to === PERSON_APPLICATION.email && m.at >= asked && m.text.includes('/firma/parola#'),
  );
  // Opened from the mail, in a new tab.
  const link = await bed.newPage();
  await link.goto(/(http:\/\/\S+\/firma\/parola#\S+)/.exec(mail.text)![1]!);
  await link.getByRole('heading', { name: 'Yeni parolanızı belirleyin' }).waitFor();
  await link.getByLabel('Yeni parola (en az 12 karakter)').fill('yepyeni bir portal parolası');
  await link.getByLabel('Parola (tekrar)').fill('yepyeni bir portal parolası');
  await link.getByRole('button', { name: 'Parolayı kaydet' }).click();
  await link.getByLabel('Doğrulama uygulamasındaki 6 haneli kod veya bir kurtarma kodu').fill(recoveryCode);
  await link.getByRole('button', { name: 'Parolayı kaydet' }).click();
  await link.getByRole('button', { name: 'Markalar ve izinler' }).waitFor();
  await link.getByRole('button', { name: 'Güvenlik' }).click();
  await link.getByText('Kullanılmamış kurtarma kodu: 9').waitFor();
});

test('a company sees a complaint about its brand, attaches its evidence and answers; the regulator reads it', async () => {
  const password = 'şikayet yanıtlayan parola';
  const asTestSystem = { app: bed.system.app, system: bed.system } as unknown as TestSystem;
  const company = {
    ...PERSON_APPLICATION,
    title: 'Yanıtlayan Ticaret',
    tckn: '10000000146',
    contactTckn: '10000000146',
    email: 'sikayet@yanitlayan.example.com',
  };
  const { admin, brandCode } = await onboardProvider(asTestSystem, company, password);
  const phone = '+905559992002';
  const recorded = await admin.call('POST', `/api/portal/brands/${brandCode}/consents`, {
    recipient: phone,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_ISLAK_IMZA',
    consentDate: formatWireDate(new Date(Date.now() - 3600_000)),
  });
  assert.equal(recorded.statusCode, 200, recorded.body);
  const citizen = await signIn(asTestSystem, phone);
  const filed = await citizen.call('POST', '/api/citizen/complaints', {
    addressId: citizen.addressId,
    brandCode,
    type: 'MESAJ',
    receivedAt: formatWireDate(new Date(Date.now() - 600_000)),
    messageText: 'Böyle bir izin vermedim.',
  });
  assert.equal(filed.statusCode, 200, filed.body);

  const page = await bed.newPage();
  await page.goto(`${bed.url}/firma`);
  await page.getByLabel('E-posta adresi').fill(company.email);
  await page.getByLabel('Parola', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Giriş yap' }).click();
  await page.getByRole('button', { name: 'Şikayetler' }).click();
  const complaint = page.getByRole('article');
  await complaint.getByText('+90 555 *** ** 02').waitFor();
  await complaint.getByText('Böyle bir izin vermedim.').waitFor();
  await complaint.getByText('Bu kayda henüz kanıt eklenmedi.').waitFor();
  await complaint
    .getByLabel('Dosya (PDF, PNG, JPEG veya JSON, en çok 10 MB)')
    .setInputFiles({ name: 'izin-formu.pdf', mimeType: 'application/pdf', buffer: AGREEMENT_PDF });
  await complaint.getByRole('button', { name: 'Kanıt ekle' }).click();
  await page.getByRole('status').getByText('Kanıt eklendi.').waitFor();
  await complaint.getByRole('link', { name: /İndir: PDF/ }).waitFor();
  await complaint.getByLabel('Yanıtınız').fill('İzin mağazamızda ıslak imzayla alındı; imzalı form ektedir.');
  await complaint.getByRole('button', { name: 'Yanıtı gönder' }).click();
  await page.getByRole('status').getByText('Yanıtınız Kurul’a iletildi.').waitFor();
  await complaint.getByText(/ıslak imzayla alındı/).waitFor();
  assert.equal(await page.getByText(phone).count(), 0, 'the full number is never shown to the company');
  await assertAccessible(page);
  await page.screenshot({ path: path.join(SCREENSHOTS, '24-company-complaint.png'), fullPage: true });
  // The company keeps its own copy of every piece before the registry purges it.
  const archive = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Kanıt arşivini indir (ZIP)' }).click();
  assert.equal(
    readFileSync((await (await archive).path())!)
      .subarray(0, 2)
      .toString(),
    'PK',
  );

  // The regulator sees the company's answer and its evidence beside the record.
  const key = await bed.system.regulator.addKey('Kurul Uzmanı');
  const console = await bed.newPage();
  await console.goto(`${bed.url}/kurul`);
  await console.getByLabel('Personel API anahtarı').fill(key);
  await console.getByRole('button', { name: 'Giriş yap' }).click();
  await console
    .getByRole('button', { name: /\d{4}-\d{2}-\d{2}/ })
    .first()
    .click();
  await console.getByRole('heading', { name: 'Firmanın yanıtı' }).waitFor();
  await console.getByText(/ıslak imzayla alındı/).waitFor();
  const evidence = console.getByRole('link', { name: /İndir: PDF/ });
  const download = console.waitForEvent('download');
  await evidence.click();
  assert.ok(readFileSync((await (await download).path())!).equals(AGREEMENT_PDF));
  await assertAccessible(console);
});
