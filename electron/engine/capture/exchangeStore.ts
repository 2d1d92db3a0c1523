import type { EngineEvent } from '../../../shared/api.js';
import type { BodyPayload, BodySide, Exchange } from '../../../shared/model.js';
import { summarizeExchange, type ExchangeSummary } from '../../../shared/exchangeSummary.js';
import type { ExchangeStoreView } from './exchangeStoreView.js';
import type { CapturedBody } from './bodyCapture.js';
import { compactBody, expandBody, removeStoredBody, type BodyStore, type StoredBody } from './bodyStore.js';
import { bodyPayload } from './bodyPayload.js';
import { ExchangeIndex, type RecordLocation } from './exchangeIndex.js';
import { RecordUnreadable, SessionRecordReader } from './session/sessionRecordReader.js';

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
  /**
   * Where finished exchanges are also written (the current session on disk, sessionWriter.ts);
   * asked each time, since clearing or opening a session changes it.
   */
  journal?: () => ExchangeJournal | undefined;
  /** Called after `clear()` (the engine starts a new session). */
  onCleared?: () => void;
  /**
   * The newest this many finished exchanges stay whole in memory even once their record is on
   * disk (the ones a user opens and analysis updates most); older ones keep only their compact
   * record. Default 1000.
   */
  keepRecent?: number;
}

/** A saved exchange reopened from its session: its compact record and where the full one is. */
export interface RestoredExchange {
  summary: ExchangeSummary;
  location: RecordLocation;
  bodies?: ExchangeBodies;
  /** Changes journaled after the record (applied when it is read back). */
  patch?: Partial<Exchange>;
}

/** Full exchanges read back from disk kept for the next read (a user opening the same rows). */
const READ_BACK_CACHE_SIZE = 64;

/** What the store tells the session it records into. */
export interface ExchangeJournal {
  add(exchange: Exchange, bodies?: { request?: CapturedBody; response?: CapturedBody }): void;
  update(id: string, patch: Partial<Exchange>): void;
}

/** The captured bodies of one exchange, handed to the store with it. */
export interface ExchangeBodies {
  request?: CapturedBody;
  response?: CapturedBody;
}

/**
 * The recorded exchanges of this run, in memory, with their bodies (small ones in memory, large
 * ones as files the BodyStore spilled). The proxy reports each exchange as it starts, progresses
 * and finishes; the store keeps it and emits the matching events, coalescing bursts of progress
 * so a streaming body is not a flood of events.
 *
 * Exchanges live in a ring in the order they arrived, the oldest dropped beyond the limit, with
 * their bodies in rings beside them: per exchange one entry in one id index, whatever it holds,
 * and eviction in order without searching. (Three maps of 100 000 ids each, and the lookups
 * into them, were a measurable share of the proxy's CPU per request.)
 *
 * Once a finished exchange's record is in the session's journal (`journaled`) and it is older
 * than the newest `keepRecent`, the full object is let go: the ring keeps its compact record
 * (ExchangeIndex: typed columns, interned strings) and where the record is, and `get` reads it
 * back from the journal, with the changes made since applied. In flight, not written yet (no
 * session, a full disk) or recent: the full object stays, as before (docs/sessions.md, "Memory").
 */
export class ExchangeStore implements ExchangeStoreView {
  /** Position of each stored exchange; positions only grow, a position's slot is position % capacity. */
  private readonly positions = new Map<string, number>();
  /** The full exchange of each slot, undefined once compacted (its record is on disk). */
  private exchanges: (Exchange | undefined)[] = [];
  private ids: (string | undefined)[] = [];
  private readonly index: ExchangeIndex;
  /** Reads compacted exchanges back from the session they were written to. */
  private reader: SessionRecordReader | undefined;
  /** Changes to finished exchanges, applied to what is read back (the record may predate them). */
  private readonly patches = new Map<string, Partial<Exchange>>();
  private readonly readBack = new Map<string, Exchange>();
  /** Positions whose record is on disk, in the order written: compacted once out of the recent window. */
  private toCompact: number[] = [];
  private toCompactHead = 0;
  private readonly keepRecent: number;
  private unreadableNoticeShown = false;
  private requestBodies: (StoredBody | undefined)[] = [];
  private responseBodies: (StoredBody | undefined)[] = [];
  /** Position of the oldest exchange kept, and of the next one. */
  private head = 0;
  private next = 0;
  /** Exchanges started and not finished yet, by id: few (those in flight), so cheap to look up. */
  private readonly inFlight = new Map<string, number>();
  /**
   * Exchanges that moved since the last flush of updates, as the proxy's live objects: they are
   * copied once, when flushed or read, not on every move (most finish before the next flush).
   */
  private readonly moved = new Map<string, Exchange>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly finishListeners = new Set<(exchange: Exchange) => void>();
  private readonly capacity: number;
  private readonly updateIntervalMs: number;
  private readonly hasListeners: () => boolean;
  private readonly journal: () => ExchangeJournal | undefined;
  /** Ids evicted since the last `exchanges:dropped`, told in one event per interval. */
  private dropped: string[] = [];
  private droppedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bodies: BodyStore,
    private readonly emit: (event: EngineEvent) => void,
    private readonly options: ExchangeStoreOptions = {},
  ) {
    this.capacity = Math.max(1, options.maxExchanges ?? 100_000);
    this.updateIntervalMs = options.updateIntervalMs ?? 100;
    this.hasListeners = options.hasListeners ?? (() => true);
    this.journal = options.journal ?? (() => undefined);
    this.keepRecent = Math.max(0, options.keepRecent ?? 1000);
    this.index = new ExchangeIndex(this.capacity);
  }

  /** How many exchanges are kept in memory: beyond, the oldest are dropped (`exchanges:dropped`). */
  get maxExchanges(): number {
    return this.capacity;
  }

  get size(): number {
    return this.next - this.head;
  }

  /**
   * Every stored exchange, whole, oldest first: compacted ones are read back from disk. For the
   * few fields of all of them, `summaries()` costs no disk read; for one at a time, `iterate()`.
   */
  list(): Exchange[] {
    return [...this.iterate()];
  }

  /**
   * The stored exchanges, whole, oldest first, one at a time (a HAR export streams them). One
   * whose record cannot be read back is left out, with a notice.
   */
  *iterate(): Generator<Exchange> {
    this.copyMoved();
    for (let position = this.head; position < this.next; position += 1) {
      // Exchanges dropped while the caller waited are skipped.
      if (position < this.head) position = this.head;
      const slot = position % this.capacity;
      const id = this.ids[slot];
      if (id === undefined) continue;
      const full = this.exchanges[slot];
      if (full) {
        yield full;
        continue;
      }
      let exchange: Exchange;
      try {
        exchange = this.readCompacted(slot, id, false, true);
      } catch (error) {
        this.tellUnreadable(error);
        continue;
      }
      yield exchange;
    }
  }

  /** The compact record of every stored exchange, oldest first: no disk read. */
  summaries(): ExchangeSummary[] {
    this.copyMoved();
    const all: ExchangeSummary[] = [];
    for (let position = this.head; position < this.next; position += 1) {
      const slot = position % this.capacity;
      const id = this.ids[slot];
      if (id === undefined) continue;
      const full = this.exchanges[slot];
      all.push(full ? summarizeExchange(full) : this.index.summary(slot, id));
    }
    return all;
  }

  has(id: string): boolean {
    return this.positionOf(id) !== undefined;
  }

  /**
   * The stored exchange, whole. A compacted one is read back from the session's journal (one
   * positioned read); a record that cannot be read throws RecordUnreadable, saying why.
   */
  get(id: string): Exchange | undefined {
    const slot = this.slotOf(id);
    if (slot === undefined) return undefined;
    const live = this.moved.get(id);
    if (live) this.exchanges[slot] = snapshot(live);
    return this.exchanges[slot] ?? this.readCompacted(slot, id, true);
  }

  /** How many stored exchanges are kept whole in memory (the rest as compact records). */
  get fullInMemory(): number {
    let count = 0;
    for (let position = this.head; position < this.next; position += 1)
      if (this.exchanges[position % this.capacity]) count += 1;
    return count;
  }

  /**
   * The session wrote the exchange's record at `location` (sessionWriter.ts onRecordWritten):
   * once out of the recent window, the store keeps only its compact record.
   */
  journaled(dir: string, id: string, location: RecordLocation): void {
    const position = this.positions.get(id);
    if (position === undefined || this.inFlight.has(id)) return;
    if (this.reader && this.reader.dir !== dir) return;
    this.reader ??= new SessionRecordReader(dir);
    this.index.setLocation(position % this.capacity, location);
    this.toCompact.push(position);
    this.compactOld();
  }

  /**
   * Retention removed these segments of the session: the exchanges whose records were there are
   * dropped from the list too (they could no longer be read back), oldest first.
   */
  segmentsRemoved(dir: string, segments: readonly number[]): void {
    if (!this.reader || this.reader.dir !== dir || segments.length === 0) return;
    for (const segment of segments) this.reader.forget(segment);
    const last = Math.max(...segments);
    while (this.next > this.head) {
      const segment = this.index.segmentOf(this.head % this.capacity);
      if (segment === undefined || segment > last) break;
      this.evictOldest();
    }
  }

  /**
   * Fills the store with a saved session's exchanges as compact records (their full records stay
   * in the journal in `dir`): `netlens web --session ID`, File → Open Recent. No event per
   * exchange; the caller announces the reload.
   */
  restored(entries: readonly RestoredExchange[], dir: string): void {
    if (this.reader?.dir !== dir) {
      this.reader?.close();
      this.reader = new SessionRecordReader(dir);
    }
    for (const { summary, location, bodies, patch } of entries) {
      const known = this.positions.get(summary.id);
      const position = known ?? this.put(summary.id, undefined);
      const slot = position % this.capacity;
      if (known !== undefined) this.exchanges[slot] = undefined;
      this.index.set(slot, summary);
      this.index.setLocation(slot, location);
      if (bodies?.request)
        this.requestBodies[slot] = this.replaceBody(this.requestBodies[slot], bodies.request);
      if (bodies?.response)
        this.responseBodies[slot] = this.replaceBody(this.responseBodies[slot], bodies.response);
      if (patch) this.patches.set(summary.id, patch);
      else this.patches.delete(summary.id);
      this.readBack.delete(summary.id);
    }
  }

  /** Called on every finished exchange (failed ones included), after `exchange:finished`. */
  onFinished(listener: (exchange: Exchange) => void): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  started(exchange: Exchange): void {
    const listening = this.hasListeners();
    // Nobody to tell: keep the live object, copied when read (like one that moved).
    const kept = listening ? snapshot(exchange) : exchange;
    const again = this.inFlight.get(exchange.id);
    if (again !== undefined) this.exchanges[again % this.capacity] = kept;
    else this.inFlight.set(exchange.id, this.put(exchange.id, kept));
    if (!listening) {
      this.moved.set(exchange.id, exchange);
      return;
    }
    this.emit({ type: 'exchange:started', exchange: kept });
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
    if (this.positionOf(exchange.id) === undefined) return;
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
      const slot = this.slotOf(live.id);
      if (slot === undefined) continue;
      const latest = snapshot(live);
      this.exchanges[slot] = latest;
      if (latest.state === 'pending') this.emit({ type: 'exchange:updated', exchange: latest });
    }
  }

  /**
   * The exchange ended, with its captured bodies. With `adopt`, the caller hands the object over
   * and never changes it again (the proxy's recorder, once settled), so it is kept as it is: no
   * copy per exchange.
   */
  finished(
    exchange: Exchange,
    options: { adopt?: boolean; bodies?: ExchangeBodies; quiet?: boolean; loaded?: boolean } = {},
  ): void {
    const copy = options.adopt === true ? exchange : snapshot(exchange);
    let position = this.inFlight.get(copy.id);
    if (position !== undefined) this.inFlight.delete(copy.id);
    else position = this.positions.get(copy.id);
    if (position === undefined) position = this.put(copy.id, copy);
    else {
      this.exchanges[position % this.capacity] = copy;
      this.readBack.delete(copy.id);
    }
    const bodies = options.bodies;
    if (bodies) {
      const slot = position % this.capacity;
      if (bodies.request)
        this.requestBodies[slot] = this.replaceBody(this.requestBodies[slot], bodies.request);
      if (bodies.response) {
        this.responseBodies[slot] = this.replaceBody(this.responseBodies[slot], bodies.response);
      }
    }
    this.moved.delete(copy.id);
    // A loaded session's exchanges are on disk already; everything else goes to the session.
    if (options.loaded !== true) this.journal()?.add(copy, bodies);
    if (options.quiet !== true && this.hasListeners())
      this.emit({ type: 'exchange:finished', exchange: copy });
    for (const listener of this.finishListeners) {
      try {
        listener(copy);
      } catch {
        // An analysis listener failing must not lose the exchange or stop the others.
      }
    }
  }

  /**
   * Adds exchanges that are already complete, with their bodies: a HAR import (written to the
   * session) or a saved session reopened (`loaded`: already on disk). No event per exchange (a
   * burst of 100,000 would bury a page's connection): one `exchanges:reload` once they are in.
   */
  imported(
    entries: readonly { exchange: Exchange; bodies?: ExchangeBodies }[],
    options: { loaded?: boolean } = {},
  ): void {
    for (const { exchange, bodies } of entries) {
      this.finished(exchange, {
        ...(bodies ? { bodies } : {}),
        quiet: true,
        adopt: options.loaded === true,
        loaded: options.loaded === true,
      });
    }
  }

  /** Tells listeners that many exchanges changed at once: reload the list. */
  announceReload(): void {
    this.flushDropped();
    this.emit({ type: 'exchanges:reload' });
  }

  update(id: string, patch: Partial<Exchange>): Exchange | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    // This update carries the latest state: a pending flush would overwrite the patch.
    this.moved.delete(id);
    const next: Exchange = { ...current, ...patch, id: current.id };
    const slot = this.slotOf(id)!;
    if (this.exchanges[slot]) this.exchanges[slot] = next;
    else {
      this.index.set(slot, summarizeExchange(next));
      this.remember(id, next);
    }
    const journal = this.journal();
    if (current.state !== 'pending' && journal) {
      journal.update(id, patch);
      // Its record may be written already (or on its way): what is read back gets the change.
      this.patches.set(id, { ...this.patches.get(id), ...patch });
    }
    this.emit({ type: 'exchange:updated', exchange: next });
    return next;
  }

  /**
   * A body the session now holds on disk: the copy in memory is let go, and reads go to the
   * session's file (memory stays bounded by the exchanges, not by their bodies).
   */
  bodyOnDisk(id: string, side: BodySide, body: CapturedBody): void {
    const slot = this.slotOf(id);
    if (slot === undefined) return;
    const ring = side === 'request' ? this.requestBodies : this.responseBodies;
    const current = ring[slot];
    if (current === undefined || (!Buffer.isBuffer(current) && current.storage !== 'memory')) return;
    ring[slot] = body;
  }

  /** A stored body as captured (memory or file), for the exchange and side. */
  storedBody(id: string, side: BodySide): CapturedBody | undefined {
    const slot = this.slotOf(id);
    if (slot === undefined) return undefined;
    return expandBody(side === 'request' ? this.requestBodies[slot] : this.responseBodies[slot]);
  }

  async body(id: string, side: BodySide, decoded = true): Promise<BodyPayload | null> {
    const exchange = this.get(id);
    if (!exchange) return null;
    const info = side === 'request' ? exchange.request.body : exchange.response?.body;
    return bodyPayload(info, this.storedBody(id, side), decoded);
  }

  clear(): void {
    this.stopFlushing();
    this.dropped = [];
    if (this.droppedTimer) clearTimeout(this.droppedTimer);
    this.droppedTimer = undefined;
    this.positions.clear();
    this.inFlight.clear();
    this.exchanges = [];
    this.ids = [];
    this.index.clear();
    this.patches.clear();
    this.readBack.clear();
    this.reader?.close();
    this.reader = undefined;
    this.toCompact = [];
    this.toCompactHead = 0;
    this.unreadableNoticeShown = false;
    this.requestBodies = [];
    this.responseBodies = [];
    this.head = 0;
    this.next = 0;
    void this.bodies.clear();
    this.emit({ type: 'exchanges:cleared' });
    this.options.onCleared?.();
  }

  close(): void {
    this.reader?.close();
    this.stopFlushing();
    if (this.droppedTimer) clearTimeout(this.droppedTimer);
    this.droppedTimer = undefined;
  }

  private stopFlushing(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.moved.clear();
  }

  /** In flight first: the exchanges the proxy reports on are almost always there. */
  private positionOf(id: string): number | undefined {
    return this.inFlight.get(id) ?? this.positions.get(id);
  }

  /** Where a stored exchange (and its bodies) sit in the rings. */
  private slotOf(id: string): number | undefined {
    const position = this.positionOf(id);
    return position === undefined ? undefined : position % this.capacity;
  }

  /** Copies the exchanges that moved into their slots (reads see a state the proxy cannot change). */
  private copyMoved(): void {
    for (const [id, live] of this.moved) {
      const slot = this.slotOf(id);
      if (slot !== undefined) this.exchanges[slot] = snapshot(live);
    }
  }

  /** Keeps a new exchange (an id not stored yet) at the next position, dropping the oldest when full. */
  private put(id: string, exchange: Exchange | undefined): number {
    if (this.next - this.head >= this.capacity) this.evictOldest();
    const position = this.next;
    this.next += 1;
    const slot = position % this.capacity;
    this.exchanges[slot] = exchange;
    this.ids[slot] = id;
    this.index.release(slot);
    this.requestBodies[slot] = undefined;
    this.responseBodies[slot] = undefined;
    this.positions.set(id, position);
    if (this.toCompactHead < this.toCompact.length) this.compactOld();
    return position;
  }

  /** Lets go of the full objects of written exchanges older than the recent window. */
  private compactOld(): void {
    const limit = this.next - this.keepRecent;
    while (this.toCompactHead < this.toCompact.length) {
      const position = this.toCompact[this.toCompactHead]!;
      if (position >= limit) break;
      this.toCompactHead += 1;
      if (position < this.head) continue;
      const slot = position % this.capacity;
      const exchange = this.exchanges[slot];
      if (!exchange || exchange.state === 'pending' || this.index.location(slot) === undefined) continue;
      this.index.set(slot, summarizeExchange(exchange));
      this.exchanges[slot] = undefined;
    }
    if (this.toCompactHead >= 4096 && this.toCompactHead * 2 >= this.toCompact.length) {
      this.toCompact = this.toCompact.slice(this.toCompactHead);
      this.toCompactHead = 0;
    }
  }

  /** A compacted exchange, read back from the session with the changes made since applied. */
  private readCompacted(slot: number, id: string, remember: boolean, readAhead = false): Exchange {
    const cached = this.readBack.get(id);
    if (cached) {
      if (remember) this.remember(id, cached);
      return cached;
    }
    const location = this.index.location(slot);
    if (!location || !this.reader)
      throw new RecordUnreadable(`Exchange ${id} is in the list but its record is in no session.`);
    const record = this.reader.read(id, location, readAhead);
    const patch = this.patches.get(id);
    const exchange = patch ? { ...record, ...patch, id } : record;
    if (remember) this.remember(id, exchange);
    return exchange;
  }

  private remember(id: string, exchange: Exchange): void {
    this.readBack.delete(id);
    this.readBack.set(id, exchange);
    if (this.readBack.size > READ_BACK_CACHE_SIZE) this.readBack.delete(this.readBack.keys().next().value!);
  }

  private tellUnreadable(error: unknown): void {
    if (this.unreadableNoticeShown) return;
    this.unreadableNoticeShown = true;
    this.emit({
      type: 'notice',
      level: 'warning',
      message: `${(error as Error).message} Such exchanges are left out of lists and exports.`,
    });
  }

  private evictOldest(): void {
    const slot = this.head % this.capacity;
    const oldest = this.ids[slot];
    if (oldest !== undefined) {
      this.positions.delete(oldest);
      this.inFlight.delete(oldest);
      this.moved.delete(oldest);
      this.patches.delete(oldest);
      this.readBack.delete(oldest);
      this.noteDropped(oldest);
    }
    removeStoredBody(this.requestBodies[slot]);
    removeStoredBody(this.responseBodies[slot]);
    this.index.release(slot);
    this.ids[slot] = undefined;
    this.exchanges[slot] = undefined;
    this.requestBodies[slot] = undefined;
    this.responseBodies[slot] = undefined;
    this.head += 1;
  }

  /**
   * Listeners holding the list (a page) must drop what the store dropped: the ids go out in one
   * `exchanges:dropped` per update interval, not one event per exchange.
   */
  private noteDropped(id: string): void {
    if (!this.hasListeners()) return;
    this.dropped.push(id);
    if (this.droppedTimer) return;
    this.droppedTimer = setTimeout(() => this.flushDropped(), this.updateIntervalMs);
    this.droppedTimer.unref();
  }

  private flushDropped(): void {
    if (this.droppedTimer) clearTimeout(this.droppedTimer);
    this.droppedTimer = undefined;
    if (this.dropped.length === 0) return;
    const ids = this.dropped;
    this.dropped = [];
    this.emit({ type: 'exchanges:dropped', ids, keptInMemory: this.capacity });
  }

  private replaceBody(previous: StoredBody | undefined, body: CapturedBody): StoredBody {
    if (previous !== undefined) removeStoredBody(previous);
    return compactBody(body);
  }
}
