import type { EngineEvent } from '../../shared/api';
import type { Exchange } from '../../shared/model';
import { isFailedExchange } from '../../shared/filter';
import type { SliceCreator } from './';

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
  /** Ingests one batch of engine events in ONE state update. */
  applyEvents(events: readonly EngineEvent[]): void;
  /** Empties the list locally (the engine confirms with `exchanges:cleared`). */
  clearExchanges(): void;
}

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

export const createTrafficSlice: SliceCreator<TrafficSlice> = (set, get) => ({
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

  applyEvents(events) {
    const state = get();
    let byId = state.byId;
    let ids = state.ids;
    let appended: string[] = [];
    let { errorCount, failedCount, sessionBounds } = state;
    let lastSeq = ids.length > 0 ? (byId.get(ids[ids.length - 1]!)?.seq ?? -Infinity) : -Infinity;
    let outOfOrder = false;
    let exchangesChanged = false;
    const patch: Partial<ReturnType<typeof get>> = {};
    const notices: { level: 'info' | 'warning' | 'error'; message: string }[] = [];

    for (const event of events) {
      switch (event.type) {
        case 'exchange:started':
        case 'exchange:updated':
        case 'exchange:finished': {
          const exchange = event.exchange;
          const previous = byId.get(exchange.id);
          // A late "updated" must not overwrite a "finished" that overtook it.
          if (previous && previous.state !== 'pending' && exchange.state === 'pending') break;
          const before = weight(previous);
          const after = weight(exchange);
          errorCount += after.error - before.error;
          failedCount += after.failed - before.failed;
          byId.set(exchange.id, exchange);
          sessionBounds = extend(sessionBounds, exchange);
          exchangesChanged = true;
          if (!previous) {
            appended.push(exchange.id);
            if (exchange.seq < lastSeq) outOfOrder = true;
            else lastSeq = exchange.seq;
          }
          break;
        }
        case 'exchanges:cleared':
          byId = new Map();
          ids = [];
          appended = [];
          errorCount = 0;
          failedCount = 0;
          sessionBounds = undefined;
          lastSeq = -Infinity;
          outOfOrder = false;
          exchangesChanged = true;
          patch.selectedId = undefined;
          break;
        case 'capture:changed':
          patch.capturing = event.capturing;
          break;
        case 'proxy:changed':
          patch.info = event.info;
          patch.capturing = event.info.capturing;
          break;
        case 'notice':
          notices.push({ level: event.level, message: event.message });
          break;
        default:
          // monitor:event and future events belong to the views that subscribe to them.
          break;
      }
    }

    if (exchangesChanged) {
      if (appended.length > 0 || ids !== state.ids) {
        ids = appended.length > 0 ? ids.concat(appended) : ids;
        if (outOfOrder) ids.sort(bySeq(byId));
      }
      Object.assign(patch, {
        byId,
        ids,
        errorCount,
        failedCount,
        sessionBounds,
        exchangesVersion: state.exchangesVersion + 1,
      });
    }
    if (Object.keys(patch).length > 0) set(patch);
    for (const notice of notices) get().pushNotice(notice.level, notice.message);
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
