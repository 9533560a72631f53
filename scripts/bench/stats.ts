/** Small statistics of the benchmark: medians and "how soon within x% of the best". */

/** Median of a non-empty list (mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** a / b, NaN when either is not a finite number or b is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/** Lowest finite value of the series (Infinity when there is none). */
export function lowest(...series: readonly (readonly number[])[]): number {
  let best = Infinity;
  for (const xs of series) for (const x of xs) if (Number.isFinite(x) && x < best) best = x;
  return best;
}

/**
 * 1-based index of the first loss within `tolerance` (0.05 = 5%) above `best`, or null if none
 * gets there. Losses are positive here (sums of squares), so "within 5%" is loss <= 1.05 * best.
 */
export function firstWithin(
  losses: readonly number[],
  best: number,
  tolerance: number,
): number | null {
  if (!(Number.isFinite(best) && best >= 0)) return null;
  const bound = best * (1 + tolerance);
  const i = losses.findIndex((l) => Number.isFinite(l) && l <= bound);
  return i < 0 ? null : i + 1;
}
