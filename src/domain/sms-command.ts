/**
 * The SMS keyword channel: what a citizen texts to the registry's short number.
 *   RET <brand code>   refuse a brand by its code
 *   RET <brand name>   refuse a brand by its name
 *   RET                list the brands holding an ONAY for this number
 * Anything else asks for help. Turkish-aware: "ret", "Ret" and "RET" are the same word.
 */
export type SmsCommand =
  | { kind: 'reject-brand-code'; brandCode: number }
  | { kind: 'reject-brand-name'; brandName: string }
  | { kind: 'list' }
  | { kind: 'help' };

export function parseSmsCommand(text: string): SmsCommand {
  const words = text.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words[0]!.toLocaleUpperCase('tr-TR') !== 'RET') return { kind: 'help' };
  const rest = words.slice(1).join(' ');
  if (rest === '') return { kind: 'list' };
  if (/^\d{1,10}$/.test(rest) && Number(rest) <= 2_147_483_647)
    return { kind: 'reject-brand-code', brandCode: Number(rest) };
  return { kind: 'reject-brand-name', brandName: rest };
}

/** Brand names compare as people read them: Turkish case folding, spaces collapsed. */
export function normaliseBrandName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('tr-TR');
}
