import type { Exchange } from '../../shared/model';
import { isFailedExchange } from '../../shared/filter';
import type { SliceCreator } from './sliceCreator';
import type { UiSlice } from './uiSlice';

export interface TrafficSlice {
  /** Exchange ids in seq order (start order). A new array whenever membership or order changes. */
  ids: string[];
  /**
   * Exchanges by id. The Map is updated in place (copying 100,000 entries per batch would cost
   * more than the rendering); `exchangesVersion` changes on every update, and each updated
   * exchange is a new object, so `useStore((s) => s.byId.get(id))` re-renders when it changes.
   */
  byId: Map<string, Exchange>;
  /** Bumped by every change to `byId`/`ids`: memoize derived data on it. */
  exchangesVersion: number;
  /** Exchanges with a NetLens error (no usable response). */
  errorCount: number;
  /** Exchanges that failed: an error, or a 4xx/5xx response. */
  failedCount: number;
  /** First start and last known end over all exchanges (kept incrementally; undefined when empty). */
  sessionBounds?: { startMs: number; endMs: number };
  /** Replaces everything with an initial list (from `exchanges:list`). */
  setExchanges(exchanges: Exchange[]): void;
  /** Empties the list locally (the engine confirms with `exchanges:cleared`). */
  clearExchanges(): void;
}

type TrafficState = Pick<
  TrafficSlice,
  'ids' | 'byId' | 'exchangesVersion' | 'errorCount' | 'failedCount' | 'sessionBounds'
>;

function weight(exchange: Exchange | undefined): { error: number; failed: number } {
  if (!exchange) return { error: 0, failed: 0 };
  return { error: exchange.error ? 1 : 0, failed: isFailedExchange(exchange) ? 1 : 0 };
}

function extend(
  bounds: { startMs: number; endMs: number } | undefined,
  exchange: Exchange,
): { startMs: number; endMs: number } {
  const start = exchange.startedAtMs;
  const end = start + (exchange.durationMs ?? 0);
  if (!bounds) return { startMs: start, endMs: Math.max(end, start + 1) };
  if (start >= bounds.startMs && end <= bounds.endMs) return bounds;
  return { startMs: Math.min(bounds.startMs, start), endMs: Math.max(bounds.endMs, end) };
}

function bySeq(byId: Map<string, Exchange>) {
  return (a: string, b: string) => (byId.get(a)?.seq ?? 0) - (byId.get(b)?.seq ?? 0);
}

/**
 * Folds the exchange events of one batch into the traffic state, in order: `upsert` for a
 * started/updated/finished snapshot, `clear` for `exchanges:cleared`. `patch()` is the change,
 * or undefined when the batch changed no exchange.
 */
export class TrafficBatch {
  private byId: Map<string, Exchange>;
  private ids: string[];
  private appended: string[] = [];
  private errorCount: number;
  private failedCount: number;
  private sessionBounds: TrafficState['sessionBounds'];
  private lastSeq: number;
  private outOfOrder = false;
  private changed = false;

  constructor(private readonly state: TrafficState) {
    this.byId = state.byId;
    this.ids = state.ids;
    this.errorCount = state.errorCount;
    this.failedCount = state.failedCount;
    this.sessionBounds = state.sessionBounds;
    const last = this.ids[this.ids.length - 1];
    this.lastSeq = last === undefined ? -Infinity : (this.byId.get(last)?.seq ?? -Infinity);
  }

  upsert(exchange: Exchange): void {
    const previous = this.byId.get(exchange.id);
    // A late "updated" must not overwrite a "finished" that overtook it.
    if (previous && previous.state !== 'pending' && exchange.state === 'pending') return;
    const before = weight(previous);
    const after = weight(exchange);
    this.errorCount += after.error - before.error;
    this.failedCount += after.failed - before.failed;
    this.byId.set(exchange.id, exchange);
    this.sessionBounds = extend(this.sessionBounds, exchange);
    this.changed = true;
    if (!previous) {
      this.appended.push(exchange.id);
      if (exchange.seq < this.lastSeq) this.outOfOrder = true;
      else this.lastSeq = exchange.seq;
    }
  }

  /** Removes exchanges the engine dropped from memory (`exchanges:dropped`). */
  drop(ids: readonly string[]): void {
    const gone = new Set<string>();
    for (const id of ids) {
      const previous = this.byId.get(id);
      if (!previous) continue;
      const w = weight(previous);
      this.errorCount -= w.error;
      this.failedCount -= w.failed;
      this.byId.delete(id);
      gone.add(id);
    }
    if (gone.size === 0) return;
    this.ids = this.ids.filter((id) => !gone.has(id));
    this.appended = this.appended.filter((id) => !gone.has(id));
    this.changed = true;
  }

  clear(): void {
    this.byId = new Map();
    this.ids = [];
    this.appended = [];
    this.errorCount = 0;
    this.failedCount = 0;
    this.sessionBounds = undefined;
    this.lastSeq = -Infinity;
    this.outOfOrder = false;
    this.changed = true;
  }

  patch(): TrafficState | undefined {
    if (!this.changed) return undefined;
    let ids = this.ids;
    if (this.appended.length > 0) {
      ids = ids.concat(this.appended);
      if (this.outOfOrder) ids.sort(bySeq(this.byId));
    }
    return {
      byId: this.byId,
      ids,
      errorCount: this.errorCount,
      failedCount: this.failedCount,
      sessionBounds: this.sessionBounds,
      exchangesVersion: this.state.exchangesVersion + 1,
    };
  }
}

export const createTrafficSlice: SliceCreator<TrafficSlice, UiSlice> = (set) => ({
  ids: [],
  byId: new Map(),
  exchangesVersion: 0,
  errorCount: 0,
  failedCount: 0,
  sessionBounds: undefined,

  setExchanges(exchanges) {
    const byId = new Map<string, Exchange>();
    let errorCount = 0;
    let failedCount = 0;
    for (const exchange of exchanges) byId.set(exchange.id, exchange);
    let sessionBounds: TrafficSlice['sessionBounds'];
    for (const exchange of byId.values()) {
      sessionBounds = extend(sessionBounds, exchange);
      const w = weight(exchange);
      errorCount += w.error;
      failedCount += w.failed;
    }
    const ids = [...byId.keys()].sort(bySeq(byId));
    set((s) => ({
      ids,
      byId,
      errorCount,
      failedCount,
      sessionBounds,
      exchangesVersion: s.exchangesVersion + 1,
    }));
  },

  clearExchanges() {
    set((s) => ({
      ids: [],
      byId: new Map(),
      errorCount: 0,
      failedCount: 0,
      sessionBounds: undefined,
      selectedId: undefined,
      exchangesVersion: s.exchangesVersion + 1,
    }));
  },
});
