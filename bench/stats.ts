/** The value below which `fraction` (0–1) of the values lie: the nearest rank at or above it. */
export const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
};

/**
 * The median of a component benchmark's rounds and, beside it, the least: a busy neighbour on a shared
 * machine only ever adds time, so the least round is the steadier figure.
 */
export const medianAndLeast = (values: number[], digits = 1): string =>
  `${percentile(values, 0.5).toFixed(digits)} (least ${Math.min(...values).toFixed(digits)})`;
