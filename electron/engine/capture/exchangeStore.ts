import type { EngineEvent } from '../../../shared/api.js';
import type { BodyPayload, BodySide, Exchange } from '../../../shared/model.js';
import type { ExchangeStoreView } from '../engine.js';
import type { BodyStore } from './bodyStore.js';
import { decodeBody } from './bodyDecoder.js';

/**
 * A copy the proxy can no longer change. The proxy mutates only the exchange's own fields and
 * these nested records; header lists, TLS and certificate summaries are never changed once
 * set, so they are shared (a deep clone per event was a measurable share of the proxy's CPU).
 */
export function snapshot(exchange: Exchange): Exchange {
  const copy: Exchange = {
    ...exchange,
    request: { ...exchange.request, body: { ...exchange.request.body } },
    timings: { ...exchange.timings },
    connection: { ...exchange.connection },
  };
  if (exchange.response) copy.response = { ...exchange.response, body: { ...exchange.response.body } };
  if (exchange.error) copy.error = { ...exchange.error };
  if (exchange.tunnel) copy.tunnel = { ...exchange.tunnel };
  if (exchange.websocket) copy.websocket = { ...exchange.websocket };
  return copy;
}

export interface ExchangeStoreOptions {
  /** Oldest exchanges (and their bodies) are dropped beyond this many. */
  maxExchanges?: number;
  /** Updates of exchanges in progress are flushed this often (the last state wins). */
  updateIntervalMs?: number;
  /**
   * Whether anyone receives the events. When nobody does, an exchange in progress is kept as
   * the proxy's live object and copied only when read: recording then costs no copy and no
   * event per exchange. Default: always (every event is built).
   */
  hasListeners?: () => boolean;
}

/**
 * The recorded exchanges of this run, in memory (bodies live in the BodyStore). The proxy reports
 * each exchange as it starts, progresses and finishes; the store keeps a snapshot and emits the
 * matching events, coalescing bursts of progress so a streaming body is not a flood of events.
 */
export class ExchangeStore implements ExchangeStoreView {
  private readonly byId = new Map<string, Exchange>();
  /**
   * Ids in insertion order, for eviction: the oldest id of a Map that keeps losing its first
   * entries is found by skipping every deleted slot (V8 compacts only when it grows), which made
   * each eviction scan tens of thousands of holes once the store was full.
   */
  private order: string[] = [];
  private orderHead = 0;
  /**
   * Exchanges that moved since the last flush of updates, as the proxy's live objects: they are
   * copied once, when flushed or read, not on every move (most finish before the next flush).
   */
  private readonly moved = new Map<string, Exchange>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly finishListeners = new Set<(exchange: Exchange) => void>();
  private readonly maxExchanges: number;
  private readonly updateIntervalMs: number;
  private readonly hasListeners: () => boolean;

  constructor(
    private readonly bodies: BodyStore,
    private readonly emit: (event: EngineEvent) => void,
    options: ExchangeStoreOptions = {},
  ) {
    this.maxExchanges = options.maxExchanges ?? 100_000;
    this.updateIntervalMs = options.updateIntervalMs ?? 100;
    this.hasListeners = options.hasListeners ?? (() => true);
  }

  get size(): number {
    return this.byId.size;
  }

  list(): Exchange[] {
    for (const [id, live] of this.moved) this.byId.set(id, snapshot(live));
    return [...this.byId.values()];
  }

  get(id: string): Exchange | undefined {
    const live = this.moved.get(id);
    if (live) this.byId.set(id, snapshot(live));
    return this.byId.get(id);
  }

  /** Called on every finished exchange (failed ones included), after `exchange:finished`. */
  onFinished(listener: (exchange: Exchange) => void): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  started(exchange: Exchange): void {
    if (!this.hasListeners()) {
      // Nobody to tell: keep the live object, copied when read (like one that moved).
      this.add(exchange);
      this.moved.set(exchange.id, exchange);
      return;
    }
    const copy = snapshot(exchange);
    this.add(copy);
    this.emit({ type: 'exchange:started', exchange: copy });
  }

  /**
   * The exchange moved on (response head arrived, body progress). Updates are trailing and
   * coalesced: one shared timer flushes, every interval, the latest state of each exchange that
   * moved; an exchange that finishes first is reported by `exchange:finished` alone, so a burst
   * of short exchanges costs no update events at all.
   */
  progressed(exchange: Exchange): void {
    const listening = this.hasListeners();
    // Already kept live since it started (nobody listening): nothing to do.
    if (!listening && this.moved.get(exchange.id) === exchange) return;
    if (!this.byId.has(exchange.id)) return;
    this.moved.set(exchange.id, exchange);
    if (this.flushTimer || !listening) return;
    this.flushTimer = setTimeout(() => this.flushUpdates(), this.updateIntervalMs);
    this.flushTimer.unref();
  }

  private flushUpdates(): void {
    this.flushTimer = undefined;
    // Nobody to tell: the live objects stay where they are, copied when read.
    if (!this.hasListeners()) return;
    const moved = [...this.moved.values()];
    this.moved.clear();
    for (const live of moved) {
      if (!this.byId.has(live.id)) continue;
      const latest = snapshot(live);
      this.byId.set(latest.id, latest);
      if (latest.state === 'pending') this.emit({ type: 'exchange:updated', exchange: latest });
    }
  }

  /**
   * The exchange ended. With `adopt`, the caller hands the object over and never changes it
   * again (the proxy's recorder, once settled), so it is kept as it is: no copy per exchange.
   */
  finished(exchange: Exchange, options: { adopt?: boolean } = {}): void {
    const copy = options.adopt === true ? exchange : snapshot(exchange);
    // One lookup: a Map that grew did not hold the exchange yet (not seen started, or imported).
    const sizeBefore = this.byId.size;
    this.byId.set(copy.id, copy);
    if (this.byId.size !== sizeBefore) this.remember(copy.id);
    this.moved.delete(copy.id);
    if (this.hasListeners()) this.emit({ type: 'exchange:finished', exchange: copy });
    for (const listener of this.finishListeners) {
      try {
        listener(copy);
      } catch {
        // An analysis listener failing must not lose the exchange or stop the others.
      }
    }
  }

  /** Adds exchanges that are already complete (HAR import): `exchange:finished` each. */
  imported(exchanges: readonly Exchange[]): void {
    for (const exchange of exchanges) this.finished(exchange);
  }

  update(id: string, patch: Partial<Exchange>): Exchange | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    // This update carries the latest state: a pending flush would overwrite the patch.
    this.moved.delete(id);
    const next: Exchange = { ...current, ...patch, id: current.id };
    this.byId.set(id, next);
    this.emit({ type: 'exchange:updated', exchange: next });
    return next;
  }

  async body(id: string, side: BodySide, decoded = true): Promise<BodyPayload | null> {
    const exchange = this.get(id);
    if (!exchange) return null;
    const info = side === 'request' ? exchange.request.body : exchange.response?.body;
    const bytes = await this.bodies.read(id, side);
    if (!bytes || !info) return null;
    const truncated = info.truncated;
    const stored = this.bodies.get(id, side);
    if (stored?.storage === 'memory' && stored.alreadyDecoded) {
      // Nothing else to give: the encoded form was never kept (HAR carries decoded text).
      return {
        base64: bytes.toString('base64'),
        decoded: info.contentEncoding !== undefined,
        truncated,
        sizeBytes: info.sizeBytes,
        ...(info.contentType ? { contentType: info.contentType } : {}),
      };
    }
    const base = {
      truncated,
      sizeBytes: info.sizeBytes,
      ...(info.contentType ? { contentType: info.contentType } : {}),
    };
    if (decoded && info.contentEncoding) {
      const result = await decodeBody(bytes, info.contentEncoding, truncated);
      return { base64: result.bytes.toString('base64'), decoded: result.decoded, ...base };
    }
    return { base64: bytes.toString('base64'), decoded: false, ...base };
  }

  clear(): void {
    this.stopFlushing();
    this.byId.clear();
    this.order = [];
    this.orderHead = 0;
    void this.bodies.clear();
    this.emit({ type: 'exchanges:cleared' });
  }

  close(): void {
    this.stopFlushing();
  }

  private stopFlushing(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.moved.clear();
  }

  private add(exchange: Exchange): void {
    this.byId.set(exchange.id, exchange);
    this.remember(exchange.id);
  }

  /** A new id in `byId`: kept in insertion order for eviction. */
  private remember(id: string): void {
    this.order.push(id);
    this.evict();
  }

  private evict(): void {
    while (this.byId.size > this.maxExchanges && this.orderHead < this.order.length) {
      const oldest = this.order[this.orderHead]!;
      this.orderHead += 1;
      this.byId.delete(oldest);
      this.moved.delete(oldest);
      this.bodies.delete(oldest);
    }
    // Drop the evicted ids now and then (amortised O(1) per exchange).
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
  }
}
