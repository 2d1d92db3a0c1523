/**
 * Percentiles by the nearest-rank method (the smallest value with at least p % of the values at
 * or below it), so every p50/p95/p99 NetLens shows is one of the measured values, never an
 * interpolation between two.
 */

/** Where the p-th percentile (p in 0..100, clamped) of `count` values (> 0) sits once they are sorted. */
export function nearestRankIndex(count: number, p: number): number {
  const rank = Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * count);
  return Math.min(count - 1, Math.max(0, rank - 1));
}

/** The p-th percentile (p in 0..100, clamped) of values sorted ascending; undefined for none. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[nearestRankIndex(sorted.length, p)];
}

/** The p-th percentile of values in any order; undefined for none. */
export function percentile(values: ArrayLike<number>, p: number): number | undefined {
  return percentileOfSorted(sortedAscending(values), p);
}

/** Several percentiles of the same values, sorting them once. */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): (number | undefined)[] {
  const sorted = sortedAscending(values);
  return ps.map((p) => percentileOfSorted(sorted, p));
}

function sortedAscending(values: ArrayLike<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}
