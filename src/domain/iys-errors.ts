/**
 * The İYS error catalogue: stable `Hnnn` codes with their HTTP status and Turkish message, as the real
 * registry answers them (iys-api.md §6). Codes H9xx are openiys's own, for rules the spec names without a
 * code; they are listed in the README and never renumbered.
 */
export const IYS_ERRORS = {
  H014: [400, 'İstek gövdesi geçerli bir JSON olmalıdır.'],
  H015: [500, 'Beklenmeyen bir hata oluştu, lütfen tekrar deneyiniz.'],
  H083: [429, 'Saniyede kabul edilen istek limitine ulaşıldı.'],
  H084: [429, 'Saatte kabul edilen kimlik doğrulama istek limitine ulaşıldı.'],
  H085: [400, 'İzin ekleme isteği geçerli olmalıdır.'],
  H090: [400, 'Bayi ekleme isteği geçerli olmalıdır.'],
  H092: [400, 'Çoklu izin ekleme isteği geçerli olmalıdır.'],
  H093: [422, '{{requestId}} bulunamadı.'],
  H097: [400, 'İzin sorgulama isteği geçerli olmalıdır.'],
  H098: [400, 'İzin hareketleri sorgulama isteği geçerli olmalıdır.'],
  H110: [422, 'İzin durumu (status) bulunamadı.'],
  H111: [422, 'İzin tipi (type) bulunamadı.'],
  H112: [422, 'İzin tarihi (consentDate) bulunamadı.'],
  H113: [422, 'İzin kaynağı (source) bulunamadı.'],
  H114: [422, 'Alıcı (recipient) bulunamadı.'],
  H115: [422, 'İzin durumu (status) için kabul edilen değerler: ONAY, RET'],
  H116: [422, 'Alıcı tipi (recipientType) için kabul edilen değerler: BIREYSEL, TACIR'],
  H117: [422, 'İzin tipi (type) için kabul edilen değerler: ARAMA, MESAJ, EPOSTA'],
  H118: [
    422,
    '{{field}} kabul edilmemektedir. İstek gövdesinde bulunabilecek alanlar: recipientType, retailerAccess, recipient, retailerCode, source, type, consentDate, status',
  ],
  H119: [
    422,
    'İzin kaynağı (source) için kabul edilen değerler: HS_FIZIKSEL_ORTAM, HS_ISLAK_IMZA, HS_WEB, HS_CAGRI_MERKEZI, HS_SOSYAL_MEDYA, HS_EPOSTA, HS_MESAJ, HS_MOBIL, HS_EORTAM, HS_ETKINLIK, HS_2015, HS_ATM, HS_KARAR',
  ],
  H120: [422, 'Alıcı (recipient) geçerli bir e-posta adresi olmalıdır.'],
  H121: [422, 'Alıcı (recipient) E.164 formatında bir telefon numarası olmalıdır. Örnek: +905992000000'],
  H122: [
    422,
    'Alıcı (recipient) E.164 formatında bir telefon numarası veya geçerli bir e-posta adresi olmalıdır.',
  ],
  H124: [429, 'Saniyede kabul edilen istek limitine ulaşıldı.'],
  H125: [422, 'Tek seferde eklenecek izin sayısı en fazla 1000 olmalıdır.'],
  H126: [422, 'Bayi erişim listesi (retailerAccess) en fazla 100 kayıt içerebilir.'],
  H127: [422, 'Alıcı listesi (recipients) en fazla 100 kayıt içerebilir.'],
  H129: [404, 'Entegratör: {{iysCode}} bulunamadı.'],
  H155: [
    422,
    'İzin kaynağı “1 Mayıs 2015 öncesi” olan izinler için, izin tarihi sadece 2015-05-01 00:00:00 olabilir.',
  ],
  H156: [422, "İzinler için 1 Mayıs 2015'den önceki tarihler kabul edilmemektedir."],
  H157: [422, 'İzin tarihi (consentDate) geçerli bir tarih olmalıdır.'],
  H158: [422, 'İzin tarihi (consentDate) yyyy-mm-dd hh:mm:ss formatında olmalıdır.'],
  H162: [422, 'Mevcut tarih ve saatten ileri bir tarih ve saat girilmemelidir.'],
  H163: [422, 'Bayi listesi boş olmamalıdır.'],
  H164: [422, 'Alıcı listesi (recipients) boş olmamalıdır.'],
  H166: [422, 'Telefon numarası formatındaki alıcı (recipient) 15 karakterden uzun olmamalıdır.'],
  H168: [422, 'Alıcı listesi (recipients) bulunamadı.'],
  H169: [422, 'Bayi erişim listesi (retailerAccess) bulunamadı.'],
  H171: [400, 'Bayi izin erişimi verme isteği geçerli olmalıdır.'],
  H172: [400, 'Bayi izin erişimi silme isteği geçerli olmalıdır.'],
  H173: [400, 'Bayi izin erişimi sorgulama isteği geçerli olmalıdır.'],
  H170: [422, 'Alıcı tipi (recipientType) bulunamadı.'],
  H174: [
    400,
    'İzin durumu (status) güncellemesi için farklı bir durum girilmelidir. İzin durumu: {{status}}',
  ],
  H175: [400, 'İlk defa kaydedilen bir iznin durum (status) bilgisi RET olmamalıdır.'],
  H178: [400, 'Sistemdeki iznin tarihinden önceki tarihli izinlerle güncelleme yapılamaz.'],
  H180: [403, '{{retailerCode}} numaralı bayi bulunamadı.'],
  H182: [422, 'offset değeri geçerli olmalıdır.'],
  H183: [422, 'limit değeri geçerli olmalıdır.'],
  H184: [422, 'all değeri true veya false olmalıdır.'],
  H185: [422, 'short değeri true veya false olmalıdır.'],
  H186: [422, 'Sayfalama (pagination) değeri en fazla 100 olabilir.'],
  H187: [422, 'Limit değerleri sıfır olmamalıdır.'],
  H190: [422, 'iysCode integer bir değer olmalıdır.'],
  H191: [422, 'brandCode integer bir değer olmalıdır.'],
  H193: [422, '{{field}} listede tekrarlanmamalıdır.'],
  H194: [
    422,
    'Aynı alıcı tipi (recipientType), izin tipi (type) ve alıcı (recipient) ile listede tekrar eden izin bulunmaktadır.',
  ],
  H195: [403, 'Marka sorgulanamadı.'],
  H198: [422, 'requestId 36 karakterden uzun olmamalıdır.'],
  H250: [400, 'Kullanıcı adı veya şifre eksik!'],
  H251: [401, 'Kullanıcı kimlik bilgileri geçersiz!'],
  H252: [400, 'Kimlik doğrulama başarısız!'],
  H245: [400, 'Verilen iysCode entegratör grubuna ait değildir!'],
  H351: [401, 'Eksik veya geçersiz jeton!'],
  H353: [403, 'Bu kaynağa erişim yetkiniz bulunmamaktadır.'],
  H408: [422, 'İzin kaynağı HS_KARAR olan izinlerin durumu (status) RET olmalıdır.'],
  H355: [404, 'Kullanıcının {{type}} yetkisi bulunmamaktadır.'],
  H363: [400, 'Bu servis için yetkiniz bulunmamaktadır.'],
  H401: [400, 'Bayi eklenecek izin bulunamadı.'],
  H450: [422, 'İzin tipi (type) geçerli olmalıdır.'],
  H452: [
    422,
    'İYS Yolu ile ARAMA ve MESAJ izinleri için kaynak (source) IYS_CM veya IYS_KISAMESAJ, EPOSTA için IYS_EPOSTA olmalıdır.',
  ],
  H453: [422, 'Aynı alıcı için bir günde en fazla 2 İYS Yolu işlemi başlatılabilir.'],
  H454: [422, 'requestId geçerli olmalıdır.'],
  H455: [422, 'Doğrulama kodu (verificationCode) hatalı.'],
  H456: [422, 'Bu requestId için başlatılmış bir işlem bulunamadı.'],
  H459: [422, 'Telefon numarası formatındaki alıcılar için izin tipi (type) MESAJ veya ARAMA olmalıdır.'],
  H462: [400, 'TACIR izni güncellenirken izin tarihi (consentDate) gönderilmelidir.'],
  H463: [400, 'TACIR izni güncellenirken izin kaynağı (source) gönderilmelidir.'],
  H460: [422, 'Veri doğrulanamadı: kodun süresi doldu veya deneme hakkı bitti.'],
  H464: [422, 'MESAJ izin tipi için alıcı (recipient) telefon numarası olmalıdır.'],
  H465: [422, 'Aynı alıcı için 3 dakika içinde yeni bir İYS Yolu işlemi başlatılamaz.'],
  H501: [422, 'Tarih formatı hatalı veya bu tarih için rapor alınamaz: {{value}}'],
  H503: [422, '{{value}} kabul edilemedi. İstek gövdesinde bulunabilecek değerler: BIREYSEL, TACIR'],
  H901: [422, 'İzin, izin tarihinden (consentDate) itibaren en geç 3 iş günü içinde kaydedilmelidir.'],
  H902: [404, 'Bu alıcı için kayıtlı izin bulunamadı.'],
  H903: [422, 'ARAMA izin tipi için alıcı (recipient) telefon numarası olmalıdır.'],
  H904: [404, 'İstenen kaynak bulunamadı.'],
  H905: [415, 'İstek gövdesi application/json veya application/x-www-form-urlencoded olmalıdır.'],
  H906: [413, 'İstek gövdesi izin verilen boyutu aşıyor.'],
  H910: [400, 'Doğrulama isteği bulunamadı veya daha önce kullanıldı.'],
  H911: [400, 'Doğrulama kodunun süresi doldu; lütfen yeni kod isteyin.'],
  H912: [429, 'Çok fazla hatalı deneme yapıldı; lütfen yeni kod isteyin.'],
  H913: [429, 'Yeni bir kod isteyebilmek için {{seconds}} saniye bekleyin.'],
  H914: [429, 'Bu adrese bugün gönderilebilecek doğrulama kodu sınırına ulaşıldı.'],
  H915: [400, 'Doğrulama kodu hatalı. Kalan deneme hakkı: {{left}}'],
  H916: [401, 'Bu işlem için oturum açmanız gerekiyor.'],
  H917: [403, 'Güvenlik doğrulaması (CSRF) başarısız; sayfayı yenileyip tekrar deneyin.'],
  H918: [403, 'Bu adres hesabınızda doğrulanmış değil.'],
  H919: [404, 'İzin bulunamadı.'],
  H920: [410, 'Bağlantı geçersiz veya süresi dolmuş.'],
  H921: [409, 'Bu izin bağlantı gönderildikten sonra değişti; bağlantı artık kullanılamaz.'],
  H922: [422, 'Ekran görüntüsü PNG veya JPEG olmalı ve 5 MB’ı geçmemelidir.'],
  H923: [422, 'Geçersiz değer.'],
  H924: [401, 'Paylaşılan gizli anahtar eksik veya geçersiz.'],
  H930: [404, 'Marka bulunamadı.'],
  H931: [403, 'Bu hesap bu izin tipi (kanal) için sorgu yetkisine sahip değil.'],
  H932: [422, 'Tek sorguda en fazla 10000 alıcı sorgulanabilir.'],
  H933: [404, 'Şikayet bulunamadı.'],
  H934: [404, 'Hizmet sağlayıcı bulunamadı.'],
  H940: [422, 'Başvuru alanı eksik veya geçersiz: {{field}}'],
  H941: [422, 'T.C. kimlik numarası geçersiz.'],
  H942: [422, 'Vergi kimlik numarası geçersiz.'],
  H943: [422, 'MERSİS numarası geçersiz veya vergi kimlik numarasıyla uyuşmuyor.'],
  H944: [422, 'Hizmet sözleşmesi imzalı bir PDF dosyası olmalı ve 10 MB’ı geçmemelidir.'],
  H945: [404, 'Başvuru bulunamadı.'],
  H946: [409, 'Bu başvuru zaten sonuçlandırıldı.'],
  H947: [409, 'Bu vergi/kimlik numarasıyla açık bir başvuru veya kayıtlı bir hizmet sağlayıcı zaten var.'],
  H950: [401, 'E-posta adresi veya parola hatalı.'],
  H951: [401, 'İki adımlı doğrulama kodu gerekli veya hatalı.'],
  H952: [410, 'Davet bağlantısı geçersiz, kullanılmış veya süresi dolmuş.'],
  H953: [422, 'Parola en az 12 karakter olmalıdır.'],
  H954: [429, 'Çok fazla hatalı giriş denemesi; lütfen {{seconds}} saniye sonra tekrar deneyin.'],
  H955: [403, 'Bu işlem için yetkiniz yok.'],
  H956: [409, 'Bu e-posta adresiyle bir kullanıcı zaten var.'],
  H957: [409, 'Bu T.C. kimlik numarası ve MERSİS numarasıyla bir bayi bu markada zaten kayıtlı.'],
  H958: [422, 'Bir markaya en fazla 3000 bayi eklenebilir.'],
  H959: [409, 'Bu bayi bir izinle ilişkilendirildiği için silinemez.'],
  H960: [422, 'Bayi alanı eksik veya geçersiz: {{field}}'],
  H961: [422, 'Dosya okunamadı: geçerli bir CSV veya XLSX dosyası değil.'],
  H962: [413, 'Dosya en fazla {{mb}} MB olabilir.'],
  H963: [422, 'Dosya en fazla 5.000.000 satır içerebilir.'],
  H964: [422, 'Bir hücre en fazla 2.000 karakter olabilir.'],
  H965: [422, 'XLSX dosyasının paylaşılan metin tablosu izin verilen boyutu aşıyor.'],
  H966: [409, 'Bu yükleme tamamlandığı veya iptal edildiği için iptal edilemez.'],
  H967: [400, 'İstek adresi (URL) geçersiz.'],
  H968: [414, 'İstek adresindeki bir değer çok uzun.'],
  H969: [400, 'İstek, izin verilmeyen bir denetim karakteri (NUL) içeriyor.'],
  H970: [400, 'İstek gövdesi en fazla 32 düzey iç içe olabilir.'],
  H971: [403, 'Hizmet sağlayıcı hesabı askıya alınmıştır; portala giriş yapılamaz.'],
  H972: [503, 'Kayıt sistemi geçici olarak hizmet veremiyor; lütfen birkaç saniye sonra tekrar deneyin.'],
  H973: [401, 'Ölçümleri okumak için geçerli bir erişim anahtarı gerekir.'],
  H974: [422, 'Marka adı bağlantı, alan adı, e-posta, telefon numarası veya görünmez karakter içeremez.'],
  H975: [422, 'Şirketinizin bu adla bir markası zaten var.'],
  H976: [429, 'Çok fazla doğrulama kodu istendi; lütfen {{seconds}} saniye sonra tekrar deneyin.'],
  H977: [429, 'Bu bağlantıdan çok fazla başvuru yapıldı; lütfen {{seconds}} saniye sonra tekrar deneyin.'],
  H978: [503, 'Başvuru kabulü geçici olarak durdu; lütfen bir süre sonra tekrar deneyin.'],
  H980: [
    422,
    'Webhook adresi internetten erişilebilen bir sunucuya çıkmıyor (yerel, özel veya ayrılmış bir ağ adresi ya da çözümlenemeyen bir ad).',
  ],
  H982: [429, 'Dakikalık alıcı sorgulama kotası doldu; lütfen {{seconds}} saniye sonra tekrar deneyin.'],
  H983: [
    429,
    'Sorgular bir numara aralığının taranmasına benziyor; bu hesabın bu tür sorguları {{seconds}} saniye yanıtlanmayacak ve durum Kurul’a bildirildi.',
  ],
  H981: [
    422,
    "Taşıma olarak işaretlenen yüklemede yalnızca geçmiş kayıtlar (HS_2015 ya da firmanın İYS'ye katılmasından önceki tarihli) ONAY olabilir: bu kayıt kişiye bildirilmeli, normal yüklemeyle gönderin.",
  ],
  H984: [403, 'Bu marka Kurul tarafından engellendi; yeni onay (ONAY) kaydedilemez.'],
  H979: [410, 'Başvuru onay bağlantısı geçersiz, kullanılmış veya süresi dolmuş; lütfen yeniden başvurun.'],
  H985: [404, 'Bu yaprak, istenen boyuttaki şeffaflık günlüğünde yer almıyor.'],
  H986: [400, 'Ağaç boyutu geçersiz: ilk boyut ikinciden büyük olamaz, ikinci boyut imzalı son başı aşamaz.'],
  H987: [400, 'Kayıt aralığı geçersiz: başlangıç bitişten küçük olmalı, en fazla 1000 kayıt istenebilir.'],
  H988: [400, 'Sorgu parametresi eksik veya geçersiz: {{name}}.'],
  H989: [404, 'Bu işlem numarası (transactionId) ile bu markaya ait bir izin hareketi bulunamadı.'],
  H990: [404, 'Makbuz bağlantısı geçersiz veya süresi dolmuş.'],
  H991: [
    409,
    'Bu şikayet için sizden ek bilgi istenmiyor; yanıt yalnızca Kurul ek bilgi istediğinde verilebilir.',
  ],
  H992: [403, 'Bu hesap hat kapatma bildirme yetkisine sahip değil.'],
  H993: [422, 'Hat kapatma tarihi (closedAt) YYYY-MM-DD veya YYYY-MM-DD HH:mm:ss biçiminde olmalıdır.'],
  H994: [422, 'Hat kapatma dosyasında "recipient" ve "closedAt" sütunları bulunmalıdır.'],
  H995: [422, 'Kanıt dosyası PDF, PNG, JPEG veya JSON olmalı ve 10 MB’ı geçmemelidir.'],
  H996: [409, 'Şikayetin yanıt süresi doldu; yanıt artık verilemez.'],
  H997: [404, 'Kanıt bulunamadı.'],
  H998: [409, 'Bu adres için geçerli bir onay (ONAY) var; silmeden önce onayları reddedin.'],
} as const satisfies Record<string, readonly [number, string]>;

export type IysErrorCode = keyof typeof IYS_ERRORS;

export interface IysErrorItem {
  code: IysErrorCode;
  message: string;
  location?: (string | number)[];
  value?: unknown;
}

/** Builds one error item; `{{name}}` placeholders in the catalogue message are filled from `vars`. */
export function iysError(
  code: IysErrorCode,
  options: { location?: (string | number)[]; value?: unknown; vars?: Record<string, string> } = {},
): IysErrorItem {
  let message: string = IYS_ERRORS[code][1];
  for (const [name, replacement] of Object.entries(options.vars ?? {})) {
    message = message.replaceAll(`{{${name}}}`, replacement);
  }
  const item: IysErrorItem = { code, message };
  if (options.location) item.location = options.location;
  if (options.value !== undefined) item.value = options.value;
  return item;
}

export function httpStatusOf(code: IysErrorCode): number {
  return IYS_ERRORS[code][0];
}

/** A rejected request: one or more İYS error items, rendered as `{"errors": [...]}` by the HTTP layer. */
export class IysRequestError extends Error {
  readonly status: number;
  /** Seconds after which trying again can succeed: sent as `Retry-After` (limits, temporary refusals). */
  retryAfter: number | undefined;
  constructor(readonly errors: IysErrorItem[]) {
    super(errors.map((e) => `${e.code} ${e.message}`).join('; '));
    this.name = 'IysRequestError';
    this.status = httpStatusOf(errors[0]!.code);
  }

  static of(code: IysErrorCode, options?: Parameters<typeof iysError>[1]): IysRequestError {
    return new IysRequestError([iysError(code, options)]);
  }

  /** A limit's refusal: the code's `{{seconds}}` and the `Retry-After` header both say how long to wait. */
  static wait(code: IysErrorCode, seconds: number): IysRequestError {
    const error = IysRequestError.of(code, { vars: { seconds: String(seconds) } });
    error.retryAfter = seconds;
    return error;
  }
}
