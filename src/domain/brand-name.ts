/**
 * Brand names reach people verbatim in the registry's own SMS and e-mail notices, under the registry's
 * sender: a name that carries a link, a domain or a phone number would turn those notices into a phishing
 * channel, and control or direction-override characters can disguise what is shown. Such names are refused.
 */

/** Control and format characters (C0/C1 controls, zero-width and bidirectional overrides). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
const LINK = /:\/\/|\bwww\.|@/iu;
/** A domain: a label, a dot, and a top-level domain people are sent to (not "A.Ş." or "Ltd.Şti."). */
const DOMAIN =
  /[\p{L}\d-]+\s*\.\s*(?:com|net|org|info|biz|io|co|tr|me|app|xyz|link|site|online|shop|ly|gl|to|cc|ru|cn|de|uk|us|eu|ai|click|top)\b/iu;
/** Seven or more digits, however spaced or punctuated: a phone number to call or text. */
const PHONE = /(?:\d[\s\-().]*){7,}/u;

export type BrandNameProblem = 'length' | 'invisible' | 'link' | 'phone';

/** The name as stored (trimmed, inner spaces collapsed), or what is wrong with it. */
export function checkBrandName(raw: string): { name: string } | { problem: BrandNameProblem } {
  const trimmed = raw.trim();
  if (INVISIBLE.test(trimmed)) return { problem: 'invisible' };
  const name = trimmed.replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 255) return { problem: 'length' };
  if (LINK.test(name) || DOMAIN.test(name)) return { problem: 'link' };
  if (PHONE.test(name)) return { problem: 'phone' };
  return { name };
}

/** Two names of one company are the same brand when they differ only in case and spacing (Turkish case). */
export const brandNameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr-TR');
