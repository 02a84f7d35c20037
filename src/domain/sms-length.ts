/**
 * How many SMS a text costs. GSM-7 (3GPP TS 23.038) holds 160 characters in one segment (153 per segment
 * of a longer message, the rest carries the join); a character of its extension table counts twice. Any
 * other character — and Turkish ğ, ı, İ, ş, Ş, Ğ, lower-case ç are such characters — makes the whole text
 * UCS-2: 70 UTF-16 units in one segment, 67 per segment beyond.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  segments: number;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  for (const char of text) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENSION.has(char)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/**
 * Turkish written without the letters GSM-7 lacks (ğ→g, ı→i, İ→I, ş→s, ç→c and the circumflexed vowels), as
 * Turkish SMS commonly is; ö, ü, Ö, Ü and Ç are GSM-7 letters and stay. Whatever else is outside GSM-7
 * (an emoji in a brand name) stays too, and makes the text UCS-2.
 */
export function foldForSms(text: string): string {
  const map: Record<string, string> = {
    ğ: 'g',
    Ğ: 'G',
    ı: 'i',
    İ: 'I',
    ş: 's',
    Ş: 'S',
    ç: 'c',
    â: 'a',
    î: 'i',
    û: 'u',
    Â: 'A',
    Î: 'I',
    Û: 'U',
    '–': '-',
    '’': "'",
  };
  return text.replace(/[ğĞıİşŞçâîûÂÎÛ–’]/g, (char) => map[char] ?? char);
}
