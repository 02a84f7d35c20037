/**
 * Errors as a person reads them. The API answers in İYS's words, written for a company's developer
 * ("Alıcı (recipient) E.164 formatında…"); people who type into the portals see these instead, keyed by the
 * İYS code. A code not listed here shows the server's own message, which for the citizen and portal
 * routes is already plain Turkish.
 */
export const plainErrorsTr: Record<string, string> = {
  H120: 'E-posta adresi geçerli görünmüyor. Örnek: ad@ornek.com',
  H121: 'Telefon numarası geçerli görünmüyor. Cep numaranızı 0532 123 45 67 gibi yazın.',
  H122: 'Bir cep telefonu numarası (ör. 0532 123 45 67) veya bir e-posta adresi yazın.',
  H115: 'İzin durumu Onay veya Ret olmalıdır.',
  H116: 'Alıcı bireysel veya tacir olmalıdır.',
  H117: 'Kanal arama, SMS veya e-posta olmalıdır.',
  H158: 'Tarih ve saat geçerli değil.',
  H923: 'Girilen değerlerden biri geçersiz; lütfen alanları kontrol edin.',
};

export const plainErrorsEn: Record<string, string> = {
  H120: 'That e-mail address does not look valid. Example: name@example.com',
  H121: 'That phone number does not look valid. Write your mobile number like 0532 123 45 67.',
  H122: 'Enter a mobile number (e.g. 0532 123 45 67) or an e-mail address.',
  H115: 'The status must be consent or refusal.',
  H116: 'The recipient must be an individual or a merchant.',
  H117: 'The channel must be call, SMS or e-mail.',
  H158: 'The date and time are not valid.',
  H923: 'One of the values is not valid; please check the fields.',
  H910: 'No such verification request, or it was already used.',
  H911: 'The code has expired; please ask for a new one.',
  H912: 'Too many wrong attempts; please ask for a new code.',
  H914: 'The daily limit of codes for this address has been reached.',
  H916: 'Please sign in first.',
  H917: 'The security check (CSRF) failed; reload the page and try again.',
  H918: 'This address is not verified on your account.',
  H919: 'Consent not found.',
  H920: 'The link is invalid or has expired.',
  H921: 'This consent changed after the link was sent; the link can no longer be used.',
  H922: 'The screenshot must be PNG or JPEG and at most 5 MB.',
};
