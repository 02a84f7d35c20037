import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

// DejaVu Sans has every Turkish letter (the PDF standard fonts lack ğ, ı, ş); it is embedded, subset.
const fontOf = (file: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);
const REGULAR = fontOf('DejaVuSans.ttf');
const BOLD = fontOf('DejaVuSans-Bold.ttf');

/** The clauses of the service agreement an applicant signs: what the registry's rules oblige them to. */
const CLAUSES: Array<[string, string]> = [
  [
    'Konu',
    'Bu sözleşme, Hizmet Sağlayıcının İleti Yönetim Sistemi’ne (İYS) kaydını ve ticari elektronik ileti onay ve ret kayıtlarını İYS’ye aktarmasının koşullarını düzenler.',
  ],
  [
    'Kayıt yükümlülüğü',
    'Hizmet Sağlayıcı, alıcılardan aldığı her onayı ve reddi; markası, kanalı (arama, ileti, e-posta), kaynağı ve tarihiyle birlikte, alındığı tarihten itibaren üç iş günü içinde İYS’ye kaydeder.',
  ],
  [
    'İleti gönderimi',
    'Hizmet Sağlayıcı, bireysel alıcılara yalnızca İYS’de onayı bulunan kanallardan ticari elektronik ileti gönderir; ret bildiren alıcıya ret tarihinden itibaren üç iş günü sonra ileti göndermez.',
  ],
  [
    'Kanıt ve saklama',
    'Hizmet Sağlayıcı, onayların alındığını gösteren kayıtları (ıslak imzalı form, elektronik kayıt) mevzuatta öngörülen süre boyunca saklar ve talep hâlinde Kurul’a sunar.',
  ],
  [
    'Hesap güvenliği',
    'Hizmet Sağlayıcı, portal ve API hesaplarının gizliliğinden sorumludur; yetkisiz kullanımı öğrendiğinde hesabı derhâl kapatır ve İYS’ye bildirir.',
  ],
  [
    'Kişisel veriler',
    'Taraflar, alıcılara ait kişisel verileri 6698 sayılı Kişisel Verilerin Korunması Kanunu’na uygun olarak ve yalnızca bu sözleşmenin amacıyla işler.',
  ],
  [
    'Yürürlük',
    'Sözleşme, başvurunun İYS tarafından onaylandığı tarihte yürürlüğe girer. Hizmet Sağlayıcının kaydı askıya alındığında veya sona erdiğinde İYS’ye erişimi de durur.',
  ],
];

const BLANKS = [
  'Ticaret unvanı / ad soyad',
  'Vergi kimlik numarası / T.C. kimlik numarası',
  'MERSİS numarası (tüzel kişiler)',
  'Adres',
  'Yetkili kişinin adı soyadı',
  'Tarih',
  'İmza (ve tüzel kişilerde kaşe)',
];

/**
 * The service agreement an applicant downloads, fills in, signs and uploads with the application
 * (`/basvuru`), as a PDF with its fonts embedded. The text is openiys's template; an operator of a registry
 * replaces it with its own legal text.
 */
export function serviceAgreementPdf(): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: 'İYS Hizmet Sağlayıcı Hizmet Sözleşmesi',
      Author: 'openiys',
      Subject: 'Hizmet sözleşmesi',
    },
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  doc.font('bold').fontSize(16).text('İleti Yönetim Sistemi (İYS)', { align: 'center' });
  doc.fontSize(14).text('Hizmet Sağlayıcı Hizmet Sözleşmesi', { align: 'center' }).moveDown(1.2);
  doc
    .font('regular')
    .fontSize(10.5)
    .text(
      'Bu sözleşme, aşağıda bilgileri yazılı Hizmet Sağlayıcı ile İleti Yönetim Sistemi arasında, İYS’ye başvuru ekinde sunulmak üzere düzenlenmiştir.',
    )
    .moveDown();
  CLAUSES.forEach(([title, text], i) => {
    doc
      .font('bold')
      .text(`${i + 1}. ${title}`)
      .font('regular')
      .text(text, { align: 'justify' })
      .moveDown(0.6);
  });
  doc.moveDown().font('bold').text('Hizmet Sağlayıcı').moveDown(0.5).font('regular');
  for (const blank of BLANKS)
    doc.text(`${blank}: ${'.'.repeat(Math.max(20, 90 - blank.length))}`).moveDown(0.7);
  doc.end();
  return doc;
}
