/** part / whole × scale, rounded to three decimals; null when there is nothing to divide by. */
export function roundedRatio(part: number, whole: number, scale = 1): number | null {
  return whole === 0 ? null : Math.round((part / whole) * scale * 1000) / 1000;
}
