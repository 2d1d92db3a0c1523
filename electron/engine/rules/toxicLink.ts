/**
 * One direction of a TCP proxy's connection (toxiproxy's link): bytes from `source` to `dest`,
 * through the toxics of that direction. Without toxics the bytes are written straight on with
 * the sockets' backpressure (no copy, no timer); with toxics each chunk is scheduled (latency,
 * bandwidth, slicer — folded into one Pacer), dropped (timeout, reset_peer), counted (limit_data)
 * or held at the end (slow_close). Toxics can be added, changed and removed while the connection
 * lives; removing the last one lets what was held go at once, as toxiproxy does.
 */
import type net from 'node:net';
import type { ToxicJson } from '../../../shared/toxiproxy.js';
import { Pacer } from './pacer.js';
import { ShapedQueue } from './shapedQueue.js';
import { describeToxic } from './toxicSpec.js';

/** Past this many held bytes the source is paused until the queue drains. */
const MAX_HELD_BYTES = 1024 * 1024;

/** How a link asks its connection to end, and why. */
export type LinkEnd =
  | { kind: 'close'; reason: string; injected?: 'incomplete_response' | 'response_timeout' }
  | { kind: 'reset'; reason: string; injected: 'connection_reset' };

interface ActiveToxic {
  toxic: ToxicJson;
  /** Won its toxicity draw on this link (toxiproxy draws once per link per toxic). */
  active: boolean;
}

type Held = { kind: 'chunk'; chunk: Buffer } | { kind: 'end' };

export class ToxicLink {
  private toxics: ActiveToxic[] = [];
  private pacer: Pacer | undefined;
  private queue: ShapedQueue<Held> | undefined;
  private heldBytes = 0;
  private sourcePausedByUs = false;
  /** Bytes that went through (limit_data counts these, across toxic changes). */
  transmittedBytes = 0;
  private limitBytes: number | undefined;
  private dropping = false;
  private resetArmed: number | undefined;
  private timers: NodeJS.Timeout[] = [];
  private slowCloseMs = 0;
  private ended = false;
  /** Every toxic that acted on this link, for the record. */
  readonly applied = new Set<string>();

  constructor(
    private readonly source: net.Socket,
    private readonly dest: net.Socket,
    private readonly random: () => number,
    private readonly end: (how: LinkEnd) => void,
    private readonly count: (bytes: number) => void,
  ) {
    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.on('end', () => this.onEnd());
    dest.on('drain', () => this.maybeResume());
  }

  /** The toxics of this link's direction changed (or the link is new). */
  setToxics(toxics: readonly ToxicJson[]): void {
    const previous = new Map(this.toxics.map((t) => [t.toxic.name, t]));
    this.toxics = toxics.map((toxic) => {
      const before = previous.get(toxic.name);
      // An unchanged toxicity keeps its draw; a new toxic or a new toxicity draws again.
      const active =
        before && before.toxic.toxicity === toxic.toxicity ? before.active : this.random() < toxic.toxicity;
      return { toxic, active };
    });
    this.configure();
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.queue?.stop();
  }

  private configure(): void {
    const active = this.toxics.filter((t) => t.active && t.toxic.type !== 'noop').map((t) => t.toxic);
    for (const toxic of active) this.applied.add(describeToxic(toxic));
    let latencyMs = 0;
    let jitterMs = 0;
    let rate: number | undefined;
    let slice: { averageBytes: number; variationBytes: number; delayMs: number } | undefined;
    let limit: number | undefined;
    let dropping = false;
    let reset: number | undefined;
    let slowCloseMs = 0;
    for (const { type, attributes: a } of active) {
      if (type === 'latency') {
        latencyMs += a.latency ?? 0;
        jitterMs += a.jitter ?? 0;
      } else if (type === 'bandwidth' && (a.rate ?? 0) > 0) rate = Math.min(rate ?? Infinity, a.rate!);
      else if (type === 'slicer' && !slice && (a.average_size ?? 0) > 0)
        slice = {
          averageBytes: a.average_size!,
          variationBytes: a.size_variation ?? 0,
          delayMs: (a.delay ?? 0) / 1000,
        };
      else if (type === 'limit_data') limit = Math.min(limit ?? Infinity, a.bytes ?? 0);
      else if (type === 'timeout') {
        dropping = true;
        const timeoutMs = a.timeout ?? 0;
        if (timeoutMs > 0)
          this.later(timeoutMs, () =>
            this.finish({ kind: 'close', reason: 'timeout toxic', injected: 'response_timeout' }),
          );
      } else if (type === 'reset_peer') reset = Math.min(reset ?? Infinity, a.timeout ?? 0);
      else if (type === 'slow_close') slowCloseMs = Math.max(slowCloseMs, a.delay ?? 0);
    }
    this.limitBytes = limit;
    this.dropping = dropping;
    this.resetArmed = reset;
    this.slowCloseMs = slowCloseMs;
    const shaping = latencyMs > 0 || rate !== undefined || slice !== undefined;
    if (shaping) {
      this.pacer = new Pacer({
        ...(rate !== undefined ? { bytesPerMs: rate } : {}),
        ...(latencyMs > 0 || jitterMs > 0 ? { latency: { ms: latencyMs, jitterMs } } : {}),
        ...(slice ? { slice } : {}),
        random: this.random,
      });
      this.queue ??= new ShapedQueue<Held>(
        () => performance.now(),
        (delayMs, fire) => {
          const timer = setTimeout(fire, delayMs);
          return () => clearTimeout(timer);
        },
        (held) => this.release(held),
      );
    } else if (this.queue) {
      // The last shaping toxic is gone: what it held goes now, nothing dropped on the floor.
      const queue = this.queue;
      this.queue = undefined;
      this.pacer = undefined;
      queue.stop();
      this.flushHeldDirectly();
    }
    if (limit !== undefined && this.transmittedBytes >= limit) this.limitReached();
  }

  /** What the queue holds, in order (it releases from the front): flushed when shaping stops. */
  private pending: Held[] = [];
  private pendingHead = 0;

  private flushHeldDirectly(): void {
    const held = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    this.heldBytes = 0;
    for (const item of held) this.release(item, true);
    this.maybeResume();
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(run, ms);
    this.timers.push(timer);
  }

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    this.count(chunk.length);
    if (this.resetArmed !== undefined) {
      const timeoutMs = this.resetArmed;
      this.resetArmed = undefined;
      this.dropping = true;
      // reset_peer: the first data arms it; after its timeout the connection is reset.
      this.later(timeoutMs, () =>
        this.finish({ kind: 'reset', reason: 'reset_peer toxic', injected: 'connection_reset' }),
      );
      return;
    }
    if (this.dropping) return;
    let data = chunk;
    if (this.limitBytes !== undefined) {
      const room = this.limitBytes - this.transmittedBytes;
      if (room <= 0) return;
      if (data.length > room) data = data.subarray(0, room);
    }
    this.transmittedBytes += data.length;
    if (this.queue && this.pacer) {
      for (const piece of this.pacer.schedule(data.length, performance.now())) {
        const item: Held = { kind: 'chunk', chunk: data.subarray(piece.start, piece.end) };
        this.pending.push(item);
        this.heldBytes += piece.end - piece.start;
        this.queue.push(item, piece.dueMs);
      }
      if (this.heldBytes > MAX_HELD_BYTES) this.pauseSource();
    } else if (!this.dest.write(data)) this.pauseSource();
    if (this.limitBytes !== undefined && this.transmittedBytes >= this.limitBytes) this.limitReached();
  }

  private limitReached(): void {
    const close = (): void =>
      this.finish({ kind: 'close', reason: 'limit_data toxic', injected: 'incomplete_response' });
    if (this.queue && this.pacer) {
      this.pending.push({ kind: 'end' });
      this.queue.push({ kind: 'end' }, this.pacer.mark(performance.now()));
      this.afterEnd = close;
    } else close();
  }

  private afterEnd: (() => void) | undefined;

  private onEnd(): void {
    if (this.ended) return;
    const endNow = (): void => {
      if (this.slowCloseMs > 0) this.later(this.slowCloseMs, () => this.dest.end());
      else this.dest.end();
    };
    if (this.queue && this.pacer) {
      this.afterEnd = endNow;
      this.pending.push({ kind: 'end' });
      this.queue.push({ kind: 'end' }, this.pacer.mark(performance.now()));
    } else endNow();
  }

  private release(item: Held, direct = false): void {
    if (!direct) {
      this.pendingHead += 1;
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending.splice(0, this.pendingHead);
        this.pendingHead = 0;
      }
    }
    if (item.kind === 'end') {
      const after = this.afterEnd;
      this.afterEnd = undefined;
      if (after) after();
      else this.dest.end();
      return;
    }
    if (!direct) this.heldBytes -= item.chunk.length;
    if (!this.dest.destroyed && !this.dest.write(item.chunk)) this.pauseSource();
    this.maybeResume();
  }

  private pauseSource(): void {
    if (this.sourcePausedByUs) return;
    this.sourcePausedByUs = true;
    this.source.pause();
  }

  private maybeResume(): void {
    if (!this.sourcePausedByUs || this.dest.writableNeedDrain || this.heldBytes > MAX_HELD_BYTES / 2) return;
    this.sourcePausedByUs = false;
    this.source.resume();
  }

  private finish(how: LinkEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.stop();
    this.end(how);
  }
}
