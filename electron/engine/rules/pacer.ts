/**
 * When each byte of a shaped stream may go: latency (per chunk, ± jitter), a bandwidth limit and
 * slicing into small pieces with pauses, the way toxiproxy's latency, bandwidth and slicer toxics
 * work. Pure: it is given the clock and a random source, and returns due times; the exchange
 * lifecycle (HTTP rules) and the TCP proxies' links (toxics) release the pieces when they fall due.
 */

export interface PacerOptions {
  /** Bytes per millisecond (KB/s: 1 KB = 1000 bytes, so n KB/s is n bytes/ms). */
  bytesPerMs?: number;
  /** Each chunk is held this long after it arrived (± jitter, never below 0). */
  latency?: { ms: number; jitterMs: number };
  /** Cut each chunk into pieces of about `averageBytes`, `delayMs` apart. */
  slice?: { averageBytes: number; variationBytes: number; delayMs: number };
  /** 0 ≤ x < 1. */
  random: () => number;
}

export interface PacedPiece {
  /** Offsets into the chunk. */
  start: number;
  end: number;
  /** When the piece may go (the clock the pacer was given). */
  dueMs: number;
}

/** A bandwidth-limited chunk goes out in pieces of at most this much time on the link. */
const PIECE_MS = 10;

/** A delay of `ms` ± `jitterMs`, uniform, at least 0 (toxiproxy: latency + rand(-jitter, jitter)). */
export function jittered(ms: number, jitterMs: number, random: () => number): number {
  if (jitterMs <= 0) return ms;
  return Math.max(0, ms + (random() * 2 - 1) * jitterMs);
}

/**
 * Where a slicer cuts a run of `length` bytes (toxiproxy's slicer: halves, moved by up to the
 * variation, until the pieces are near the average size).
 */
export function sliceBounds(
  start: number,
  end: number,
  averageBytes: number,
  variationBytes: number,
  random: () => number,
): number[] {
  if (end - start - averageBytes <= variationBytes) return [start, end];
  let mid = start + Math.floor((end - start) / 2);
  if (variationBytes > 0) mid += Math.floor(random() * variationBytes * 2) - variationBytes;
  mid = Math.min(end - 1, Math.max(start + 1, mid));
  return [
    ...sliceBounds(start, mid, averageBytes, variationBytes, random),
    ...sliceBounds(mid, end, averageBytes, variationBytes, random),
  ];
}

export class Pacer {
  /** Nothing goes before what went earlier: due times never decrease. */
  private lastDueMs = Number.NEGATIVE_INFINITY;
  /** When the limited link is free again. */
  private linkFreeMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PacerOptions) {}

  /** Whether this pacer ever holds anything. */
  get active(): boolean {
    const { bytesPerMs, latency, slice } = this.options;
    return (bytesPerMs !== undefined && bytesPerMs > 0) || latency !== undefined || slice !== undefined;
  }

  /** A mark without bytes (a response head, the end): after what went before, plus its latency. */
  mark(nowMs: number, extraMs = 0): number {
    const latency = this.options.latency;
    const delay = latency ? jittered(latency.ms, latency.jitterMs, this.options.random) : 0;
    const due = Math.max(nowMs + delay + extraMs, this.lastDueMs);
    this.lastDueMs = due;
    return due;
  }

  /** The pieces of a chunk of `length` bytes that arrived at `nowMs`, each with its due time. */
  schedule(length: number, nowMs: number): PacedPiece[] {
    const { bytesPerMs, latency, slice, random } = this.options;
    let due = nowMs + (latency ? jittered(latency.ms, latency.jitterMs, random) : 0);
    if (due < this.lastDueMs) due = this.lastDueMs;
    const bounds = slice
      ? sliceBounds(0, length, slice.averageBytes, slice.variationBytes, random)
      : [0, length];
    const pieces: PacedPiece[] = [];
    const limited = bytesPerMs !== undefined && bytesPerMs > 0;
    const maxPiece = limited ? Math.max(1, Math.floor(bytesPerMs * PIECE_MS)) : Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < bounds.length; i += 2) {
      if (i > 0 && slice) due += slice.delayMs;
      for (let start = bounds[i]!, end = bounds[i + 1]!; start < end;) {
        const pieceEnd = Math.min(end, start + maxPiece);
        if (limited) {
          // The piece is on the link from when it may start until its last byte has gone.
          this.linkFreeMs = Math.max(this.linkFreeMs, due) + (pieceEnd - start) / bytesPerMs;
          due = this.linkFreeMs;
        }
        pieces.push({ start, end: pieceEnd, dueMs: due });
        start = pieceEnd;
      }
    }
    if (pieces.length === 0) pieces.push({ start: 0, end: 0, dueMs: due });
    this.lastDueMs = due;
    return pieces;
  }
}
