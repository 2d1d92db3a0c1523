/**
 * The waterfall's minimap, pure: how many exchanges (and failed ones) start in each slice of the
 * session, and which row to bring into view for a moment chosen on it.
 */
import type { Exchange } from '../../../shared/model';

export interface Density {
  counts: Uint32Array;
  failed: Uint32Array;
  max: number;
}

/** Starts per bucket over [originMs, originMs + spanMs]; one pass over the rows. */
export function minimapDensity(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
  originMs: number,
  spanMs: number,
  buckets: number,
): Density {
  const n = Math.max(1, Math.floor(buckets));
  const counts = new Uint32Array(n);
  const failed = new Uint32Array(n);
  const scale = n / Math.max(1, spanMs);
  for (const id of ids) {
    const exchange = byId.get(id);
    if (!exchange) continue;
    const index = Math.min(n - 1, Math.max(0, Math.floor((exchange.startedAtMs - originMs) * scale)));
    counts[index] = counts[index]! + 1;
    if (exchange.error !== undefined || (exchange.response?.status ?? 0) >= 400)
      failed[index] = failed[index]! + 1;
  }
  let max = 0;
  for (const count of counts) if (count > max) max = count;
  return { counts, failed, max };
}

/**
 * The index of the first row starting at or after `atMs` (the last row when none does). Rows are
 * in start order but for a few (a retry listed with its chain): a binary search lands next to
 * the right one, which is all a click on a 1-px-per-minute strip can ask for.
 */
export function rowAtTime(ids: readonly string[], byId: ReadonlyMap<string, Exchange>, atMs: number): number {
  let low = 0;
  let high = ids.length - 1;
  if (high < 0) return 0;
  while (low < high) {
    const mid = (low + high) >> 1;
    const startedAtMs = byId.get(ids[mid]!)?.startedAtMs ?? -Infinity;
    if (startedAtMs < atMs) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The same for rows not in time order (grouped by connection): the row whose exchange started
 * nearest to `atMs`, by a scan.
 */
export function rowNearestTime(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
  atMs: number,
): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < ids.length; i += 1) {
    const startedAtMs = byId.get(ids[i]!)?.startedAtMs;
    if (startedAtMs === undefined) continue;
    const distance = Math.abs(startedAtMs - atMs);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
