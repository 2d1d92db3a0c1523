import type { Exchange } from '../../../shared/model';

export interface TimeBounds {
  startMs: number;
  endMs: number;
}

/**
 * The time span of a set of exchanges (first start to last end), for the mini waterfall and the
 * waterfall's axis. A pending exchange counts up to the time spent in its known phases.
 */
export function timeBounds(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
): TimeBounds | undefined {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const id of ids) {
    const e = byId.get(id);
    if (!e) continue;
    if (e.startedAtMs < startMs) startMs = e.startedAtMs;
    const end = e.startedAtMs + (e.durationMs ?? 0);
    if (end > endMs) endMs = end;
  }
  if (startMs === Infinity) return undefined;
  return { startMs, endMs: Math.max(endMs, startMs + 1) };
}

/** 1, 2, 5 × 10^k: the smallest such value ≥ ms. */
export function niceCeilMs(ms: number): number {
  if (ms <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(ms));
  for (const step of [1, 2, 5, 10]) if (step * power >= ms) return step * power;
  return 10 * power;
}

/**
 * Bounds whose end is rounded up to a round span, so a growing session changes them only now and
 * then: every mini waterfall bar depends on them, and re-styling every row on every batch is the
 * most expensive thing live traffic could do to the list.
 */
export function roundedBounds(bounds: TimeBounds | undefined): TimeBounds | undefined {
  if (!bounds) return undefined;
  return { startMs: bounds.startMs, endMs: bounds.startMs + niceCeilMs(bounds.endMs - bounds.startMs) };
}

let lastIds: readonly string[] | undefined;
let lastVersion = -1;
let lastBounds: TimeBounds | undefined;

/**
 * timeBounds memoized on the id list and the store's exchangesVersion. When the list is every
 * exchange (no filter), the store's incrementally kept bounds answer without a pass over the list.
 */
export function memoTimeBounds(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
  version: number,
  all?: { ids: readonly string[]; bounds: TimeBounds | undefined },
): TimeBounds | undefined {
  if (all && (ids === all.ids || ids.length === all.ids.length)) return all.bounds;
  if (ids !== lastIds || version !== lastVersion) {
    lastIds = ids;
    lastVersion = version;
    lastBounds = timeBounds(ids, byId);
  }
  return lastBounds;
}
