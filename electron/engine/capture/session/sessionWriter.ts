/**
 * Writes the current session as exchanges finish (docs/sessions.md): an append-only journal of
 * framed records and the bodies beside it, in segments. The proxy's hot path only queues (an
 * array push); the queue is written every `flushIntervalMs` in one write per file, and synced
 * to the disk at most every `syncIntervalMs` (so after kill -9 every exchange that finished more
 * than a flush interval before is in the files, and after a power loss every one that finished
 * more than a sync interval before).
 *
 * Nothing here may stop or slow the capture. When the disk falls behind, bodies are left out of
 * the session (the record says `truncated`, `disk_behind`); when a write fails (a full disk, an
 * I/O error), what was written stays as it was (the failed batch is cut off again), the capture
 * goes on in memory, and writing resumes by itself once a retry succeeds.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BodyInfo, Exchange } from '../../../../shared/model.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../system/dataDir.js';
import { releaseSpill, type CapturedBody } from '../bodyCapture.js';
import type { RecordLocation } from '../exchangeIndex.js';
import { encodeFrame } from './journalFrame.js';
import type { BodyRef, SessionRecord } from './sessionRecord.js';
import {
  SESSION_FORMAT_VERSION,
  blobPath,
  journalPath,
  makeSessionDirSync,
  segmentBodiesDir,
  writeMeta,
  type SessionMeta,
} from './sessionLayout.js';

/** The file-system calls the writer makes: tests put a failing disk in their place. */
export interface SessionFs {
  openSync(file: string): number;
  sizeSync(fd: number): number;
  writev(fd: number, buffers: Buffer[], position: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  close(fd: number): Promise<void>;
}

export const nodeSessionFs: SessionFs = {
  openSync: (file) => fs.openSync(file, 'a+', PRIVATE_FILE_MODE),
  sizeSync: (fd) => fs.fstatSync(fd).size,
  writev: (fd, buffers, position) =>
    new Promise((resolve, reject) =>
      fs.writev(fd, buffers, position, (error, written) => (error ? reject(error) : resolve(written))),
    ),
  fdatasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))),
  ftruncate: (fd, length) =>
    new Promise((resolve, reject) => fs.ftruncate(fd, length, (e) => (e ? reject(e) : resolve()))),
  rename: (from, to) => fs.promises.rename(from, to),
  close: (fd) => new Promise((resolve) => fs.close(fd, () => resolve())),
};

export interface SessionWriterLimits {
  /** Oldest segments are dropped beyond this many bytes in the session; 0: no limit. */
  maxSessionBytes: number;
}

export interface SessionWriterOptions {
  dir: string;
  id: string;
  /** Reopening a saved session: its facts, and the segment to continue after. */
  reopen?: { meta: SessionMeta; lastSegment: number };
  limits?: () => SessionWriterLimits;
  fs?: SessionFs;
  flushIntervalMs?: number;
  syncIntervalMs?: number;
  /** A segment is closed and the next begun at this many bytes (journal and blob together). */
  segmentMaxBytes?: number;
  /** Bodies queued in memory beyond this are left out of the session (`disk_behind`). */
  maxPendingBodyBytes?: number;
  /** Exchanges queued beyond this while the disk fails are not written at all. */
  maxPendingRecords?: number;
  /** After a failed write, the next try comes this much later. */
  retryIntervalMs?: number;
  notice?: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** A segment is full and the next begun (the session grew by a segment). */
  onNewSegment?: () => void;
  /** Retention dropped the oldest segments: this many exchanges, the oldest first. */
  onDropped?: (exchanges: number) => void;
  /** Retention removed these segments (oldest first): records located in them are gone. */
  onSegmentsRemoved?: (dir: string, segments: number[]) => void;
  /** A body from memory is in the session's blob now: where to read it from. */
  onBodyStored?: (exchangeId: string, side: 'request' | 'response', body: CapturedBody) => void;
  /**
   * An exchange's record is in the journal now (written, not necessarily synced): where, so the
   * store can let its copy in memory go and read it back from there.
   */
  onRecordWritten?: (dir: string, exchangeId: string, location: RecordLocation) => void;
}

interface Pending {
  exchange?: Exchange;
  bodies?: { request?: CapturedBody; response?: CapturedBody };
  /** Sides whose body was left out because the disk fell behind. */
  behind?: ('request' | 'response')[];
  update?: { id: string; patch: Partial<Exchange> };
}

interface SegmentFacts {
  bytes: number;
  exchanges: number;
}

const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;

export class SessionWriter {
  readonly dir: string;
  readonly id: string;
  private readonly fs: SessionFs;
  private readonly meta: SessionMeta;
  private segment: number;
  private journalFd: number;
  private blobFd: number;
  private journalBytes: number;
  private blobBytes: number;
  private readonly segments = new Map<number, SegmentFacts>();
  private bodyFileCounter = 0;
  private pending: Pending[] = [];
  private readonly pendingById = new Map<string, Pending>();
  private pendingBodyBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private metaDirty = true;
  private lastSyncMs = 0;
  private failedUntilMs = 0;
  private failure: string | undefined;
  private unsaved = 0;
  private behindNoticeShown = false;
  private closed = false;
  private readonly flushIntervalMs: number;
  private readonly syncIntervalMs: number;
  private readonly segmentMaxBytes: number;
  private readonly maxPendingBodyBytes: number;
  private readonly maxPendingRecords: number;
  private readonly retryIntervalMs: number;

  constructor(private readonly options: SessionWriterOptions) {
    this.dir = options.dir;
    this.id = options.id;
    this.fs = options.fs ?? nodeSessionFs;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.syncIntervalMs = options.syncIntervalMs ?? 1000;
    this.segmentMaxBytes = options.segmentMaxBytes ?? SEGMENT_MAX_BYTES;
    this.maxPendingBodyBytes = options.maxPendingBodyBytes ?? 64 * 1024 * 1024;
    this.maxPendingRecords = options.maxPendingRecords ?? 50_000;
    this.retryIntervalMs = options.retryIntervalMs ?? 5000;
    makeSessionDirSync(this.dir);
    if (options.reopen) {
      this.meta = { ...options.reopen.meta, pid: process.pid };
      delete this.meta.endedAtMs;
      this.segment = options.reopen.lastSegment + 1;
      for (let s = 1; s < this.segment; s += 1) {
        const bytes = sizeOf(journalPath(this.dir, s)) + sizeOf(blobPath(this.dir, s));
        if (bytes > 0 || fs.existsSync(journalPath(this.dir, s)))
          this.segments.set(s, { bytes, exchanges: 0 });
      }
    } else {
      this.meta = {
        version: SESSION_FORMAT_VERSION,
        id: this.id,
        startedAtMs: Date.now(),
        pid: process.pid,
        exchanges: 0,
      };
      this.segment = 1;
    }
    this.journalFd = this.fs.openSync(journalPath(this.dir, this.segment));
    this.blobFd = this.fs.openSync(blobPath(this.dir, this.segment));
    this.journalBytes = this.fs.sizeSync(this.journalFd);
    this.blobBytes = this.fs.sizeSync(this.blobFd);
    this.segments.set(this.segment, { bytes: this.journalBytes + this.blobBytes, exchanges: 0 });
    // At once, not a sync interval later: the catalog knows the session (and that it is live) from
    // its first moment.
    this.metaDirty = false;
    void writeMeta(this.dir, this.meta).catch(() => (this.metaDirty = true));
    this.scheduleSync();
  }

  /** Exchanges written so far (retention's drops taken off). */
  get exchanges(): number {
    return this.meta.exchanges;
  }

  get startedAtMs(): number {
    return this.meta.startedAtMs;
  }

  /** Bytes of the session on disk, as this writer counts them. */
  get bytes(): number {
    let total = 0;
    for (const facts of this.segments.values()) total += facts.bytes;
    return total;
  }

  /** Why writing stopped, while it has. */
  get failureMessage(): string | undefined {
    return this.failure;
  }

  /**
   * Queues a finished exchange with its captured bodies. The exchange is adopted: the caller
   * never changes it again (later changes come through `update`).
   */
  add(exchange: Exchange, bodies?: { request?: CapturedBody; response?: CapturedBody }): void {
    if (this.closed) return;
    if (this.pending.length >= this.maxPendingRecords) {
      this.unsaved += 1;
      return;
    }
    const item: Pending = { exchange };
    if (bodies && (bodies.request || bodies.response)) {
      let bytes = 0;
      for (const body of [bodies.request, bodies.response]) {
        if (body?.storage === 'memory') bytes += body.bytes.length;
      }
      if (this.pendingBodyBytes + bytes > this.maxPendingBodyBytes) {
        item.behind = (['request', 'response'] as const).filter((side) => bodies[side] !== undefined);
        this.tellBehind();
      } else {
        item.bodies = bodies;
        this.pendingBodyBytes += bytes;
      }
    }
    this.pending.push(item);
    this.pendingById.set(exchange.id, item);
    this.scheduleFlush();
  }

  /** A change to an exchange already handed over (merged into it while it still waits). */
  update(id: string, patch: Partial<Exchange>): void {
    if (this.closed) return;
    const waiting = this.pendingById.get(id);
    if (waiting?.exchange) {
      waiting.exchange = { ...waiting.exchange, ...patch, id };
      return;
    }
    this.pending.push({ update: { id, patch } });
    this.scheduleFlush();
  }

  /** Resolves once the queue is small enough to add more: a bulk writer (an import) waits on it. */
  async drained(): Promise<void> {
    if (
      this.pendingBodyBytes < this.maxPendingBodyBytes / 4 &&
      this.pending.length < this.maxPendingRecords / 4
    )
      return;
    await this.flush();
  }

  /** Writes what is queued now; resolves once it is in the files (not necessarily synced). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.length === 0) return;
    this.writing = this.writeBatch().finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** Writes the rest, syncs, marks the session ended and closes its files. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.failedUntilMs = 0;
    await this.flush();
    this.closed = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.sync();
    await this.fs.close(this.journalFd);
    await this.fs.close(this.blobFd);
    this.meta.endedAtMs = Date.now();
    delete this.meta.pid;
    await writeMeta(this.dir, this.meta).catch(() => undefined);
  }

  private tellBehind(): void {
    if (this.behindNoticeShown) return;
    this.behindNoticeShown = true;
    this.options.notice?.(
      'warning',
      `The disk is falling behind: some bodies are left out of session ${this.id} (marked truncated, disk_behind). The exchanges themselves are kept.`,
    );
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    const delay = Math.max(this.flushIntervalMs, this.failedUntilMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().then(() => {
        if (this.pending.length > 0) this.scheduleFlush();
      });
    }, delay);
    this.flushTimer.unref();
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.sync().finally(() => this.scheduleSync());
    }, this.syncIntervalMs);
    this.syncTimer.unref();
  }

  private async sync(): Promise<void> {
    while (this.writing) await this.writing;
    await this.syncFiles();
  }

  /** Syncs what is written; the caller makes sure no write is under way (or is that write). */
  private async syncFiles(): Promise<void> {
    if (this.dirty && this.failure === undefined) {
      this.dirty = false;
      try {
        await this.fs.fdatasync(this.journalFd);
        await this.fs.fdatasync(this.blobFd);
        this.lastSyncMs = Date.now();
      } catch (error) {
        this.fail(error);
      }
    }
    if (this.metaDirty && this.failure === undefined && !this.closed) {
      this.metaDirty = false;
      await writeMeta(this.dir, this.meta).catch(() => (this.metaDirty = true));
    }
  }

  private async writeBatch(): Promise<void> {
    if (this.failure !== undefined && Date.now() < this.failedUntilMs) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingById.clear();
    this.pendingBodyBytes = 0;
    const journalStart = this.journalBytes;
    const blobStart = this.blobBytes;
    const frames: Buffer[] = [];
    const blobs: Buffer[] = [];
    let blobLength = 0;
    let exchanges = 0;
    let movedBytes = 0;
    const stored: { id: string; side: 'request' | 'response'; body: CapturedBody }[] = [];
    const written: { id: string; location: RecordLocation }[] = [];
    let frameOffset = journalStart;
    // One string for every body of the batch (the store keeps a reference per body).
    const blobFile = blobPath(this.dir, this.segment);
    try {
      for (const item of batch) {
        if (item.update) {
          const update = frame({ t: 'u', id: item.update.id, p: item.update.patch });
          frames.push(update);
          frameOffset += update.length;
          continue;
        }
        const exchange = item.exchange!;
        const refs: { request?: BodyRef; response?: BodyRef } = {};
        const lost: Partial<Record<'request' | 'response', 'disk_behind' | 'disk_error'>> = {};
        for (const side of item.behind ?? []) lost[side] = 'disk_behind';
        for (const side of ['request', 'response'] as const) {
          const body = item.bodies?.[side];
          if (!body || body.capturedBytes === 0) continue;
          if (body.storage === 'memory') {
            if (body.bytes.length === 0) continue;
            const offset = blobStart + blobLength;
            refs[side] = {
              s: this.segment,
              o: offset,
              n: body.bytes.length,
              ...(body.alreadyDecoded ? { d: 1 as const } : {}),
            };
            blobs.push(body.bytes);
            blobLength += body.bytes.length;
            stored.push({
              id: exchange.id,
              side,
              body: {
                storage: 'file',
                path: blobFile,
                offset,
                retained: true,
                ...(body.alreadyDecoded ? { alreadyDecoded: true } : {}),
                sizeBytes: body.sizeBytes,
                capturedBytes: body.bytes.length,
                truncated: body.truncated,
                ...(body.truncatedReason ? { truncatedReason: body.truncatedReason } : {}),
              },
            });
          } else if (body.offset === undefined) {
            const moved = await this.moveIntoSession(body);
            if (moved) {
              refs[side] = { f: moved, n: body.capturedBytes };
              movedBytes += body.capturedBytes;
            } else lost[side] = 'disk_error';
          }
        }
        const record: SessionRecord = { t: 'x', e: withLostBodies(exchange, lost) };
        if (refs.request || refs.response) record.b = refs;
        const encoded = frame(record);
        frames.push(encoded);
        written.push({
          id: exchange.id,
          location: { segment: this.segment, offset: frameOffset, length: encoded.length },
        });
        frameOffset += encoded.length;
        exchanges += 1;
      }
      if (blobs.length > 0) await this.writeAll(this.blobFd, blobs, blobStart, blobLength);
      let frameBytes = 0;
      for (const f of frames) frameBytes += f.length;
      if (frames.length > 0) await this.writeAll(this.journalFd, frames, journalStart, frameBytes);
      this.journalBytes = journalStart + frameBytes;
      this.blobBytes = blobStart + blobLength;
      const facts = this.segments.get(this.segment)!;
      facts.bytes += frameBytes + blobLength + movedBytes;
      facts.exchanges += exchanges;
      this.meta.exchanges += exchanges;
      this.metaDirty = true;
      this.dirty = true;
      if (this.failure !== undefined) this.recovered();
      for (const { id, side, body } of stored) this.options.onBodyStored?.(id, side, body);
      const onRecordWritten = this.options.onRecordWritten;
      if (onRecordWritten) for (const { id, location } of written) onRecordWritten(this.dir, id, location);
    } catch (error) {
      // What was written before this batch stays as it was: cut off whatever part of it landed.
      await this.fs.ftruncate(this.journalFd, journalStart).catch(() => undefined);
      await this.fs.ftruncate(this.blobFd, blobStart).catch(() => undefined);
      this.unsaved += exchanges || batch.filter((item) => item.exchange).length;
      this.fail(error);
      return;
    }
    if (this.journalBytes + this.blobBytes >= this.segmentMaxBytes) await this.nextSegment();
    this.applyRetention();
  }

  private async writeAll(fd: number, buffers: Buffer[], position: number, length: number): Promise<void> {
    let written = await this.fs.writev(fd, buffers, position);
    // A short write (a nearly full disk) continues where it stopped; no progress is a failure.
    while (written < length) {
      const rest = Buffer.concat(buffers).subarray(written);
      const more = await this.fs.writev(fd, [rest], position + written);
      if (more <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      written += more;
    }
  }

  /** Moves a spilled body file into the session; the capture's record follows it there. */
  private async moveIntoSession(
    body: Extract<CapturedBody, { storage: 'file' }>,
  ): Promise<string | undefined> {
    const dir = segmentBodiesDir(this.dir, this.segment);
    this.bodyFileCounter += 1;
    const target = path.join(dir, `${this.bodyFileCounter}.body`);
    try {
      fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      await this.fs.rename(body.path, target);
    } catch {
      // Another file system (EXDEV), or the spill file is gone: the body is not in the session.
      return undefined;
    }
    body.path = target;
    body.retained = true;
    releaseSpill(body);
    return path.relative(this.dir, target);
  }

  private fail(error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    const first = this.failure === undefined;
    this.failure =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? `The disk is full: NetLens cannot write session ${this.id} to ${this.dir} (${code}).`
        : `NetLens cannot write session ${this.id} to ${this.dir}: ${(error as Error).message}.`;
    this.failedUntilMs = Date.now() + this.retryIntervalMs;
    if (first) {
      this.options.notice?.(
        'error',
        `${this.failure} Capture goes on in memory (the newest exchanges are kept there); what the session already holds is kept. NetLens writes again once there is room.`,
      );
    }
    if (this.pending.length > 0) this.scheduleFlush();
  }

  private recovered(): void {
    const lost = this.unsaved;
    this.failure = undefined;
    this.failedUntilMs = 0;
    this.unsaved = 0;
    this.options.notice?.(
      'info',
      `Writing session ${this.id} again.${lost > 0 ? ` ${lost} exchanges captured meanwhile are in memory only, not in the session.` : ''}`,
    );
  }

  private async nextSegment(): Promise<void> {
    // Called from within the write (this.writing): waiting for it here would wait for itself.
    await this.syncFiles();
    await this.fs.close(this.journalFd);
    await this.fs.close(this.blobFd);
    this.segment += 1;
    this.journalFd = this.fs.openSync(journalPath(this.dir, this.segment));
    this.blobFd = this.fs.openSync(blobPath(this.dir, this.segment));
    this.journalBytes = 0;
    this.blobBytes = 0;
    this.segments.set(this.segment, { bytes: 0, exchanges: 0 });
    this.options.onNewSegment?.();
  }

  /** Drops the oldest segments (never the one being written) while the session is over its limit. */
  private applyRetention(): void {
    const max = this.options.limits?.().maxSessionBytes ?? 0;
    if (max <= 0) return;
    let total = this.bytes;
    let dropped = 0;
    const removed: number[] = [];
    for (const [segment, facts] of [...this.segments.entries()].sort((a, b) => a[0] - b[0])) {
      if (total <= max || segment === this.segment) break;
      for (const file of [journalPath(this.dir, segment), blobPath(this.dir, segment)])
        fs.rmSync(file, { force: true });
      fs.rmSync(segmentBodiesDir(this.dir, segment), { recursive: true, force: true });
      this.segments.delete(segment);
      removed.push(segment);
      total -= facts.bytes;
      dropped += facts.exchanges;
    }
    if (removed.length > 0) this.options.onSegmentsRemoved?.(this.dir, removed);
    if (dropped === 0 && total === this.bytes) return;
    this.meta.exchanges = Math.max(0, this.meta.exchanges - dropped);
    this.meta.droppedExchanges = (this.meta.droppedExchanges ?? 0) + dropped;
    this.metaDirty = true;
    this.options.onDropped?.(dropped);
  }
}

function frame(record: SessionRecord): Buffer {
  return encodeFrame(Buffer.from(JSON.stringify(record), 'utf8'));
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The exchange as the session holds it: a body that did not make it in is marked truncated, with why. */
function withLostBodies(
  exchange: Exchange,
  lost: Partial<Record<'request' | 'response', 'disk_behind' | 'disk_error'>>,
): Exchange {
  if (!lost.request && !lost.response) return exchange;
  const cut = (info: BodyInfo, reason: 'disk_behind' | 'disk_error'): BodyInfo => ({
    ...info,
    capturedBytes: 0,
    truncated: true,
    truncatedReason: reason,
  });
  const copy: Exchange = { ...exchange };
  if (lost.request) copy.request = { ...exchange.request, body: cut(exchange.request.body, lost.request) };
  if (lost.response && exchange.response)
    copy.response = { ...exchange.response, body: cut(exchange.response.body, lost.response) };
  return copy;
}
