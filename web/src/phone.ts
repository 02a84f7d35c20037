/** A Turkish number as people read it (`+90 532 123 45 67`); any other address unchanged. */
export function readableAddress(address: string): string {
  const parts = /^\+90(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(address);
  return parts ? `+90 ${parts.slice(1).join(' ')}` : address;
}
