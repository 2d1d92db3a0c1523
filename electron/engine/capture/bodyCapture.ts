import fs from 'node:fs';

const SPILL_WRITE_BYTES = 1024 * 1024;

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

/** Where a finished capture lives: in memory, or spilled to a file. */
export type CapturedBody =
  | {
      storage: 'memory';
      bytes: Buffer;
      sizeBytes: number;
      capturedBytes: number;
      truncated: boolean;
      /** The bytes are already without their content codings (bodies imported from HAR). */
      alreadyDecoded?: boolean;
    }
  | { storage: 'file'; path: string; sizeBytes: number; capturedBytes: number; truncated: boolean };

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
}

/**
 * A side tap on a body stream. `write` is synchronous and cheap, never throws and never applies
 * backpressure to the forwarding path; all I/O errors just end the capture early (truncated).
 */
export class BodyCapture {
  sizeBytes = 0;
  capturedBytes = 0;
  truncated = false;
  private chunks: Buffer[] = [];
  private file: fs.WriteStream | undefined;
  private filePath: string | undefined;
  private fileFailed = false;
  private ended = false;
  /** Spilled bytes gathered into larger writes: one syscall per ~1 MiB, not per socket read. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly options: BodyCaptureOptions) {}

  write(chunk: Buffer): void {
    if (this.ended) return;
    this.sizeBytes += chunk.length;
    if (this.truncated) return;
    const room = this.options.capBytes - this.capturedBytes;
    let piece = chunk;
    if (piece.length > room) {
      piece = piece.subarray(0, Math.max(0, room));
      this.truncated = true;
    }
    if (piece.length === 0) return;
    if (!this.file && this.capturedBytes + piece.length > this.options.memoryLimitBytes) this.spill();
    if (this.file) {
      if (
        this.fileFailed ||
        this.file.writableLength > (this.options.maxPendingDiskBytes ?? 16 * 1024 * 1024)
      ) {
        this.truncated = true;
        return;
      }
      this.pending.push(piece);
      this.pendingBytes += piece.length;
      if (this.pendingBytes >= SPILL_WRITE_BYTES) this.flushPending();
    } else {
      this.chunks.push(piece);
    }
    this.capturedBytes += piece.length;
  }

  private flushPending(): void {
    if (!this.file || this.pending.length === 0) return;
    this.file.write(
      this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes),
    );
    this.pending = [];
    this.pendingBytes = 0;
  }

  private spill(): void {
    try {
      this.filePath = this.options.spillPath();
      this.file = fs.createWriteStream(this.filePath);
    } catch {
      this.fileFailed = true;
      this.file = undefined;
      this.truncated = true;
      return;
    }
    this.file.on('error', () => {
      this.fileFailed = true;
      this.truncated = true;
    });
    for (const chunk of this.chunks) this.file.write(chunk);
    this.chunks = [];
  }

  /** True while nothing went to disk: `endInMemory` can finish the capture synchronously. */
  get inMemory(): boolean {
    return this.file === undefined;
  }

  /** Ends an in-memory capture synchronously (the common case: no promise per body). */
  endInMemory(): CapturedBody | undefined {
    if (this.file) return undefined;
    this.ended = true;
    const bytes = compact(this.chunks, this.capturedBytes);
    this.chunks = [];
    return {
      storage: 'memory',
      bytes,
      sizeBytes: this.sizeBytes,
      capturedBytes: this.capturedBytes,
      truncated: this.truncated,
    };
  }

  /** Ends the capture; resolves once a spilled file is flushed. */
  end(): Promise<CapturedBody> {
    this.ended = true;
    const base = { sizeBytes: this.sizeBytes, capturedBytes: this.capturedBytes, truncated: this.truncated };
    const file = this.file;
    if (!file || !this.filePath) {
      const bytes = compact(this.chunks, this.capturedBytes);
      this.chunks = [];
      return Promise.resolve({ storage: 'memory', bytes, ...base });
    }
    const path = this.filePath;
    if (!this.fileFailed && !file.destroyed) this.flushPending();
    return new Promise((resolve) => {
      const done = (): void =>
        resolve({ storage: 'file', path, ...base, truncated: base.truncated || this.fileFailed });
      if (file.destroyed || this.fileFailed) return done();
      file.end(done);
      file.once('error', done);
    });
  }

  /** Drops whatever was captured (the exchange is not recorded after all). */
  discard(): void {
    this.ended = true;
    this.chunks = [];
    this.pending = [];
    if (this.file) {
      const path = this.filePath;
      // Remove only once the stream is closed: a file still being opened would reappear.
      this.file.once('close', () => {
        if (path) fs.rm(path, { force: true }, () => undefined);
      });
      this.file.destroy();
    }
  }
}
