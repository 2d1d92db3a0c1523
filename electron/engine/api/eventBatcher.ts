/**
 * Batches engine events for the transports (DESIGN.md: "a burst of traffic is one message to
 * the renderer, not thousands"). A batch is delivered ~50 ms after its first event, or at once
 * when it reaches maxBatchSize events. Within a batch, the snapshots of one exchange are
 * coalesced into one event carrying its latest snapshot, at the place of the first: an exchange
 * that started and finished within the batch is one `exchange:finished` (the store upserts a row
 * from any of the three exchange events, so it is added and final at once, and the exchange is
 * serialised once, not twice). An `exchange:finished` is never dropped, and nothing is reordered
 * across `exchanges:cleared`.
 */
import type { EngineEvent } from '../../../shared/api.js';
import type { Exchange } from '../../../shared/model.js';

export interface EventBatcherOptions {
  flushIntervalMs?: number;
  maxBatchSize?: number;
  /** Injected for tests; default the global timers. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** A throwing deliver() is reported here and never reaches the engine. */
  onDeliverError?: (error: unknown) => void;
}

export interface EventBatcher {
  push(event: EngineEvent): void;
  /** Delivers what is pending now (no-op when empty). */
  flush(): void;
  /** Delivers what is pending and stops; later pushes are ignored. */
  close(): void;
  readonly pendingCount: number;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 50;
export const DEFAULT_MAX_BATCH_SIZE = 500;

type ExchangeEvent = Extract<EngineEvent, { exchange: Exchange }>;

function isExchangeEvent(event: EngineEvent): event is ExchangeEvent {
  return (
    event.type === 'exchange:started' ||
    event.type === 'exchange:updated' ||
    event.type === 'exchange:finished'
  );
}

export function createEventBatcher(
  deliver: (events: EngineEvent[]) => void,
  options: EventBatcherOptions = {},
): EventBatcher {
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as NodeJS.Timeout));
  const onDeliverError =
    options.onDeliverError ??
    ((error: unknown) => console.error('netlens: delivering events failed:', error));

  let batch: EngineEvent[] = [];
  /** Exchange id → index in `batch` of the latest event carrying its snapshot. */
  let latest = new Map<string, number>();
  let timer: unknown;
  let closed = false;

  function flush(): void {
    if (timer !== undefined) {
      clearTimer(timer);
      timer = undefined;
    }
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    latest = new Map();
    try {
      deliver(events);
    } catch (error) {
      onDeliverError(error);
    }
  }

  function append(event: EngineEvent): void {
    batch.push(event);
    if (isExchangeEvent(event)) latest.set(event.exchange.id, batch.length - 1);
  }

  function coalesce(event: ExchangeEvent): boolean {
    const index = latest.get(event.exchange.id);
    if (index === undefined) return false;
    const previous = batch[index] as ExchangeEvent;
    if (event.type === 'exchange:updated') {
      // A newer snapshot replaces the older one wherever it sits (started, updated or finished).
      batch[index] = { ...previous, exchange: event.exchange } as ExchangeEvent;
      return true;
    }
    if (event.type === 'exchange:finished') {
      // The finished snapshot supersedes the started or updated one of the same exchange.
      batch[index] = event;
      return true;
    }
    return false;
  }

  return {
    push(event) {
      if (closed) return;
      if (event.type === 'exchanges:cleared') {
        // A barrier: later snapshots must not move before it.
        latest = new Map();
        append(event);
      } else if (!(isExchangeEvent(event) && coalesce(event))) {
        append(event);
      }
      if (batch.length >= maxBatchSize) {
        flush();
      } else if (timer === undefined) {
        timer = setTimer(flush, flushIntervalMs);
      }
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
    },
    get pendingCount() {
      return batch.length;
    },
  };
}
