import fs from 'node:fs';
import type { BodyInfo } from '../../../shared/model.js';

/**
 * Spilled bytes are copied into buffers of this size, reused once written: one syscall per
 * ~1 MiB rather than per socket read, and memory that stays flat however long the body is
 * (keeping the socket's own chunks until a write would hold, and promote, every one of them).
 */
const SPILL_BUFFER_BYTES = 1024 * 1024;
const DEFAULT_MAX_PENDING_DISK_BYTES = 16 * 1024 * 1024;
/** Shared until a capture spills: most never do, and need no arrays of their own. */
const NO_QUEUE: never[] = [];
const NO_BUFFERS: never[] = [];

/**
 * One buffer for the kept bytes. A socket read owns its memory, so keeping each small body as
 * the read's own buffer would hold one allocation per exchange; small bodies are copied into
 * Node's shared buffer pool instead (Buffer.concat uses it below 4 KiB), which keeps thousands
 * of recorded exchanges cheap for the garbage collector.
 */
function compact(chunks: Buffer[], totalBytes: number): Buffer {
  if (chunks.length === 1 && totalBytes >= 4096) return chunks[0]!;
  return Buffer.concat(chunks, totalBytes);
}

/** Why a capture kept less than the whole body (BodyInfo.truncatedReason). */
export type TruncatedReason = NonNullable<BodyInfo['truncatedReason']>;

/** Where a finished capture lives: in memory, or spilled to a file. */
export type CapturedBody =
  | {
      storage: 'memory';
      bytes: Buffer;
      sizeBytes: number;
      capturedBytes: number;
      truncated: boolean;
      truncatedReason?: TruncatedReason;
      /** The bytes are already without their content codings (bodies imported from HAR). */
      alreadyDecoded?: boolean;
    }
  | {
      storage: 'file';
      path: string;
      /** The body is `capturedBytes` of a shared file from here (a session's blob), not the whole file. */
      offset?: number;
      /** The file belongs to a session now: it outlives the exchange in memory. */
      retained?: boolean;
      /** The bytes are already without their content codings (bodies imported from HAR). */
      alreadyDecoded?: boolean;
      /** The share of the spill budget this file holds, until it leaves the spill folder. */
      spill?: SpillShare;
      sizeBytes: number;
      capturedBytes: number;
      truncated: boolean;
      truncatedReason?: TruncatedReason;
    };

/**
 * The spill folder's byte budget (settings: spillBudgetBytes), shared by every capture: bytes
 * are taken as they are written to a spill file and given back when the file leaves the folder
 * (moved into the session, or removed).
 */
export class SpillBudget {
  usedBytes = 0;
  constructor(private readonly limitBytes: () => number) {}

  take(bytes: number): boolean {
    const limit = this.limitBytes();
    if (limit > 0 && this.usedBytes + bytes > limit) return false;
    this.usedBytes += bytes;
    return true;
  }

  give(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** A spill file's hold on the budget, given back once. */
export interface SpillShare {
  budget: SpillBudget;
  bytes: number;
}

export function releaseSpill(body: CapturedBody | undefined): void {
  if (body?.storage !== 'file' || !body.spill) return;
  body.spill.budget.give(body.spill.bytes);
  delete body.spill;
}

export interface BodyCaptureOptions {
  /** Up to this many bytes stay in memory; beyond, the capture moves to a file. */
  memoryLimitBytes: number;
  /** Hard cap: bytes beyond it are counted but not kept, and the capture is marked truncated. */
  capBytes: number;
  /** File to spill to, asked for only when needed. */
  spillPath: () => string;
  /**
   * When the disk falls this far behind the wire, stop capturing (truncated) rather than
   * buffer without bound: the capture must never slow or block forwarding.
   */
  maxPendingDiskBytes?: number;
  /** The spill folder's budget; without one, spilling is bounded by the cap alone. */
  spillBudget?: SpillBudget;
}

/**
 * A side tap on a body stream. `write` is synchronous and cheap, never throws and never applies
 * backpressure to the forwarding path; all I/O errors just end the capture early (truncated).
 */
export class BodyCapture {
  sizeBytes = 0;
  capturedBytes = 0;
  truncated = false;
  /** Why the capture stopped short, once it did (the first reason wins). */
  truncatedReason: TruncatedReason | undefined;
  private chunks: Buffer[] = [];
  private fd: number | undefined;
  private filePath: string | undefined;
  private fileFailed = false;
  private ended = false;
  private discarded = false;
  /** The spill buffer being filled, and how much of it is. */
  private current: Buffer | undefined;
  private currentBytes = 0;
  /** Filled buffers waiting for the disk, in order; at most one write is in flight. */
  private queue: { buffer: Buffer; length: number }[] = NO_QUEUE;
  private free: Buffer[] = NO_BUFFERS;
  private buffersAllocated = 0;
  private writing = false;
  private filePosition = 0;
  private whenIdle: (() => void) | undefined;
  /** Bytes of the spill budget this capture holds. */
  private spilledBytes = 0;

  constructor(private readonly options: BodyCaptureOptions) {}

  write(chunk: Buffer): void {
    if (this.ended) return;
    this.sizeBytes += chunk.length;
    if (this.truncated) return;
    const room = this.options.capBytes - this.capturedBytes;
    let piece = chunk;
    if (piece.length > room) {
      piece = piece.subarray(0, Math.max(0, room));
      this.stop('cap');
    }
    if (piece.length === 0) return;
    if (this.fd === undefined && this.capturedBytes + piece.length > this.options.memoryLimitBytes) {
      this.spill();
    }
    if (this.fd !== undefined) {
      this.capturedBytes += this.copyToDisk(piece);
    } else if (!this.fileFailed) {
      this.chunks.push(piece);
      this.capturedBytes += piece.length;
    }
  }

  /**
   * Copies spilled bytes into the spill buffers; returns how many were kept. When the disk is
   * so far behind that every buffer is taken, the capture stops here (truncated): it must never
   * slow forwarding nor buffer without bound.
   */
  private copyToDisk(piece: Buffer): number {
    const budget = this.options.spillBudget;
    if (budget && !budget.take(piece.length)) {
      this.stop('spill_budget');
      return 0;
    }
    if (budget) this.spilledBytes += piece.length;
    let offset = 0;
    while (offset < piece.length) {
      if (this.fileFailed) break;
      if (!this.current) {
        const buffer = this.takeBuffer();
        if (!buffer) break;
        this.current = buffer;
        this.currentBytes = 0;
      }
      const copied = piece.copy(this.current, this.currentBytes, offset);
      this.currentBytes += copied;
      offset += copied;
      if (this.currentBytes === this.current.length) this.queueCurrent();
    }
    if (offset < piece.length) {
      this.stop(this.fileFailed ? 'disk_error' : 'disk_behind');
      if (budget) {
        budget.give(piece.length - offset);
        this.spilledBytes -= piece.length - offset;
      }
    }
    return offset;
  }

  private takeBuffer(): Buffer | undefined {
    const reused = this.free.pop();
    if (reused) return reused;
    const maxPending = this.options.maxPendingDiskBytes ?? DEFAULT_MAX_PENDING_DISK_BYTES;
    const maxBuffers = Math.max(2, Math.ceil(maxPending / SPILL_BUFFER_BYTES));
    if (this.buffersAllocated >= maxBuffers) return undefined;
    this.buffersAllocated += 1;
    return Buffer.allocUnsafeSlow(SPILL_BUFFER_BYTES);
  }

  private queueCurrent(): void {
    if (!this.current || this.currentBytes === 0) return;
    this.queue.push({ buffer: this.current, length: this.currentBytes });
    this.current = undefined;
    this.currentBytes = 0;
    this.pump();
  }

  /**
   * Writes every filled buffer waiting, in one `writev` at the file's next position: the more the
   * disk lags, the more each write carries, so the spill keeps up with the wire (one buffer per
   * round trip fell behind a fast upload and cut its capture short).
   */
  private pump(): void {
    if (this.writing) return;
    const batch = this.queue;
    if (batch.length === 0 || this.fd === undefined || this.fileFailed || this.discarded) {
      this.queue.length = 0;
      const idle = this.whenIdle;
      this.whenIdle = undefined;
      idle?.();
      return;
    }
    this.queue = [];
    this.writing = true;
    const position = this.filePosition;
    let bytes = 0;
    const views = batch.map(({ buffer, length }) => {
      bytes += length;
      return length === buffer.length ? buffer : buffer.subarray(0, length);
    });
    this.filePosition += bytes;
    fs.writev(this.fd, views, position, (error, written) => {
      this.writing = false;
      if (error || written < bytes) {
        // What the file holds is what counts as captured: up to the last byte written.
        this.fileFailed = true;
        this.capturedBytes = position + (error ? 0 : written);
        this.stop('disk_error');
      }
      if (!this.ended) for (const { buffer } of batch) this.free.push(buffer);
      this.pump();
    });
  }

  /** Ends capturing (forwarding goes on): the body is kept up to here, truncated for `reason`. */
  private stop(reason: TruncatedReason): void {
    this.truncated = true;
    this.truncatedReason ??= reason;
  }

  private spill(): void {
    try {
      this.filePath = this.options.spillPath();
      this.fd = fs.openSync(this.filePath, 'w', 0o600);
    } catch {
      // No file: keep what is already in memory and stop there (truncated).
      this.fileFailed = true;
      this.fd = undefined;
      this.filePath = undefined;
      this.stop('disk_error');
      return;
    }
    this.queue = [];
    this.free = [];
    const chunks = this.chunks;
    this.chunks = [];
    for (const chunk of chunks) this.copyToDisk(chunk);
  }

  /** True while nothing went to disk: `endInMemory` can finish the capture synchronously. */
  get inMemory(): boolean {
    return this.fd === undefined && this.filePath === undefined;
  }

  /** Ends an in-memory capture synchronously (the common case: no promise per body). */
  endInMemory(): CapturedBody | undefined {
    if (!this.inMemory) return undefined;
    this.ended = true;
    const bytes = compact(this.chunks, this.capturedBytes);
    this.chunks = [];
    return {
      storage: 'memory',
      bytes,
      sizeBytes: this.sizeBytes,
      capturedBytes: this.capturedBytes,
      truncated: this.truncated,
      ...(this.truncatedReason ? { truncatedReason: this.truncatedReason } : {}),
    };
  }

  /** Resolves once every queued spill buffer is written (or the file failed). */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.writing && this.queue.length === 0) return resolve();
      this.whenIdle = resolve;
    });
  }

  /** Ends the capture; resolves once a spilled file is flushed and closed. */
  async end(): Promise<CapturedBody> {
    const path = this.filePath;
    if (path === undefined) {
      const captured = this.endInMemory();
      if (captured) return captured;
    }
    this.ended = true;
    const fd = this.fd;
    if (path === undefined || fd === undefined) {
      // Discarded before: nothing is kept.
      return {
        storage: 'memory',
        bytes: Buffer.alloc(0),
        sizeBytes: this.sizeBytes,
        capturedBytes: 0,
        truncated: true,
      };
    }
    this.queueCurrent();
    await this.drained();
    await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
    this.fd = undefined;
    this.free = NO_BUFFERS;
    const budget = this.options.spillBudget;
    return {
      storage: 'file',
      path,
      ...(budget && this.spilledBytes > 0 ? { spill: { budget, bytes: this.spilledBytes } } : {}),
      sizeBytes: this.sizeBytes,
      capturedBytes: this.capturedBytes,
      truncated: this.truncated || this.fileFailed,
      ...(this.truncatedReason ? { truncatedReason: this.truncatedReason } : {}),
    };
  }

  /** Drops whatever was captured (the exchange is not recorded after all). */
  discard(): void {
    this.options.spillBudget?.give(this.spilledBytes);
    this.spilledBytes = 0;
    this.ended = true;
    this.discarded = true;
    this.chunks = [];
    this.current = undefined;
    this.queue = NO_QUEUE;
    this.free = NO_BUFFERS;
    const fd = this.fd;
    const path = this.filePath;
    if (fd === undefined) return;
    this.fd = undefined;
    // Close and remove only once a write in flight is done with the descriptor.
    void this.drained().then(() =>
      fs.close(fd, () => {
        if (path) fs.rm(path, { force: true }, () => undefined);
      }),
    );
  }
}
