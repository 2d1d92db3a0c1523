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

let lastIds: readonly string[] | undefined;
let lastVersion = -1;
let lastBounds: TimeBounds | undefined;

/** timeBounds memoized on the id list and the store's exchangesVersion. */
export function memoTimeBounds(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
  version: number,
): TimeBounds | undefined {
  if (ids !== lastIds || version !== lastVersion) {
    lastIds = ids;
    lastVersion = version;
    lastBounds = timeBounds(ids, byId);
  }
  return lastBounds;
}
