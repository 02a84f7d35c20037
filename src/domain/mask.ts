/**
 * An address as a company sees it in a complaint about one of its messages: enough to find its own record
 * (the last digits, the mailbox's first letter and domain), not enough to learn who complained. Pure.
 */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  const digits = address.replace(/^\+/, '');
  if (address.startsWith('+90') && digits.length === 12)
    return `+90 ${digits.slice(2, 5)} *** ** ${digits.slice(10)}`;
  return `${address.slice(0, 3)}${'*'.repeat(Math.max(0, address.length - 5))}${address.slice(-2)}`;
}
