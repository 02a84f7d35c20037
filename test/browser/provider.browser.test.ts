import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AGREEMENT_PDF } from '../helpers/portal.js';
import { SCREENSHOTS, startBrowserTestbed, type BrowserTestbed } from './browser.js';

let bed: BrowserTestbed;
before(async () => {
  bed = await startBrowserTestbed();
});
after(() => bed.close());

test('a company applies, an admin approves, its admin sets a password from the invitation and signs in', async () => {
  const page = await bed.newPage();
  await page.goto(`${bed.url}/basvuru`);
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
  await page.screenshot({ path: path.join(SCREENSHOTS, '10-provider-application.png'), fullPage: true });
  await page.getByRole('button', { name: 'Başvuruyu gönder' }).click();
  await page.getByText(/Başvurunuz alındı/).waitFor();

  const adminKey = await bed.system.regulator.addKey('Kayıt Yöneticisi', 'admin');
  const console = await bed.newPage();
  await console.goto(`${bed.url}/kurul`);
  await console.getByLabel('Personel API anahtarı').fill(adminKey);
  await console.getByRole('button', { name: 'Giriş yap' }).click();
  await console.getByRole('button', { name: 'Başvurular' }).click();
  const application = console.getByRole('article', { name: 'Tarayıcı Ticaret A.Ş.' });
  await application.getByText('0123456789000015').waitFor();
  await console.screenshot({ path: path.join(SCREENSHOTS, '11-application-review.png'), fullPage: true });
  await application.getByRole('button', { name: 'Onayla' }).click();
  await application.waitFor({ state: 'detached' });
  await console.getByLabel('Durum').selectOption('approved');
  await console.getByText(/Onaylandı: İYS numarası \d+/).waitFor();

  const invitation = await bed.system.devOutbox!.waitFor((m) => m.to === 'uyum@tarayici.example.com');
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
  await page.screenshot({ path: path.join(SCREENSHOTS, '12-provider-portal.png'), fullPage: true });

  // Signed out, the portal asks for the password again; the new one works.
  await page.getByRole('button', { name: /Çıkış yap/ }).click();
  await page.getByLabel('E-posta adresi').fill('uyum@tarayici.example.com');
  await page.getByLabel('Parola', { exact: true }).fill('tarayıcı parolası 2026');
  await page.getByRole('button', { name: 'Giriş yap' }).click();
  await page.getByRole('button', { name: 'Markalar ve izinler' }).waitFor();
});
