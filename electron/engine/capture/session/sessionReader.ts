/**
 * Reads a session back (docs/sessions.md): its journal segments in order, frame by frame, in
 * chunks (a segment is never read whole into memory). A torn tail — the process killed, or the
 * power lost, in the middle of a write — and a corrupt frame end their segment's readable part;
 * each is reported once, with the bytes dropped, and the rest of the session is read.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Exchange } from '../../../../shared/model.js';
import { summarizeExchange, type ExchangeSummary } from '../../../../shared/exchangeSummary.js';
import type { CapturedBody } from '../bodyCapture.js';
import type { RecordLocation } from '../exchangeIndex.js';
import { FRAME_HEADER_BYTES, scanFrames } from './journalFrame.js';
import { parseRecord, type BodyRef, type SessionRecord } from './sessionRecord.js';
import { blobPath, journalPath, listSegments } from './sessionLayout.js';

const CHUNK_BYTES = 4 * 1024 * 1024;

export interface SegmentEnd {
  segment: number;
  /** Bytes of whole, valid frames: where an append would continue. */
  validBytes: number;
  /** Bytes after them that were dropped. */
  droppedBytes: number;
}

export interface ReadOptions {
  /** Told about each torn or corrupt tail, in words for the user. */
  onProblem?: (message: string) => void;
  onSegmentEnd?: (end: SegmentEnd) => void;
}

/** Every record of the session, oldest first, with where it is (its frame in its segment). */
export async function* readRecords(
  dir: string,
  options: ReadOptions = {},
): AsyncGenerator<{ record: SessionRecord; segment: number; location: RecordLocation }> {
  const id = path.basename(dir);
  for (const segment of listSegments(dir)) {
    const file = journalPath(dir, segment);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      options.onProblem?.(
        `Session ${id}: journal segment ${segment} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); its exchanges are left out.`,
      );
      continue;
    }
    let position = 0;
    let carry = Buffer.alloc(0);
    let consumed = 0;
    let problem: 'incomplete' | 'corrupt' | undefined;
    try {
      for (;;) {
        const chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, carry.length));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        position += bytesRead;
        const buffer =
          carry.length > 0
            ? Buffer.concat([carry, chunk.subarray(0, bytesRead)])
            : chunk.subarray(0, bytesRead);
        const scan = scanFrames(buffer, consumed);
        for (const { payload, offset } of scan.frames) {
          const record = parseRecord(payload);
          if (record)
            yield {
              record,
              segment,
              location: { segment, offset, length: FRAME_HEADER_BYTES + payload.length },
            };
        }
        consumed += scan.validBytes;
        carry = Buffer.from(buffer.subarray(scan.validBytes));
        if (scan.stop === 'corrupt') {
          problem = 'corrupt';
          break;
        }
        if (bytesRead === 0) {
          if (carry.length > 0) problem = 'incomplete';
          break;
        }
      }
      const size = (await handle.stat()).size;
      const dropped = size - consumed;
      options.onSegmentEnd?.({ segment, validBytes: consumed, droppedBytes: dropped });
      if (problem && dropped > 0) {
        options.onProblem?.(
          problem === 'incomplete'
            ? `Session ${id}: the end of journal segment ${segment} was torn (NetLens stopped in the middle of a write); its last ${dropped} bytes are dropped.`
            : `Session ${id}: journal segment ${segment} is corrupt from byte ${consumed}; the ${dropped} bytes from there are dropped.`,
        );
      }
    } finally {
      await handle.close();
    }
  }
}

/** A body reference of a record → the capture the ExchangeStore keeps (a slice of a file). */
export function bodyFromRef(
  dir: string,
  ref: BodyRef,
  info: { sizeBytes: number; truncated: boolean } | undefined,
): CapturedBody {
  const base = {
    storage: 'file' as const,
    retained: true,
    sizeBytes: info?.sizeBytes ?? ref.n,
    capturedBytes: ref.n,
    truncated: info?.truncated ?? false,
  };
  if ('f' in ref) return { ...base, path: path.join(dir, ref.f) };
  return { ...base, path: blobPath(dir, ref.s), offset: ref.o, ...(ref.d ? { alreadyDecoded: true } : {}) };
}

export interface LoadedExchange {
  exchange: Exchange;
  bodies?: { request?: CapturedBody; response?: CapturedBody };
}

/** A saved exchange as a reopened session keeps it: its compact record, and where the full one is. */
export interface IndexedExchange {
  summary: ExchangeSummary;
  location: RecordLocation;
  bodies?: { request?: CapturedBody; response?: CapturedBody };
  /** Changes journaled after the record, merged. */
  patch?: Partial<Exchange>;
}

export interface LoadedSession {
  dir: string;
  /** The newest exchanges (at most `limit`), in the order they were written, as compact records. */
  exchanges: IndexedExchange[];
  /** Every exchange record read. */
  total: number;
  lastSegment: number;
  /** Valid bytes of the last segment (a reopened session is cut back to them before appending). */
  lastSegmentValidBytes: number;
}

/**
 * Replays a session: records in order, the newest `limit` exchanges kept as compact records
 * with where their full records are (memory: a few hundred bytes an exchange, whatever their
 * headers), later changes kept beside them.
 */
export async function loadSession(
  dir: string,
  limit: number,
  options: ReadOptions = {},
): Promise<LoadedSession> {
  const kept = new Map<string, IndexedExchange>();
  let total = 0;
  let lastSegment = 0;
  let lastSegmentValidBytes = 0;
  for await (const { record, location } of readRecords(dir, {
    ...options,
    onSegmentEnd: (end) => {
      lastSegment = end.segment;
      lastSegmentValidBytes = end.validBytes;
      options.onSegmentEnd?.(end);
    },
  })) {
    if (record.t === 'u') {
      const entry = kept.get(record.id);
      if (entry) entry.patch = { ...entry.patch, ...record.p };
      continue;
    }
    total += 1;
    const exchange = record.e;
    const bodies: LoadedExchange['bodies'] = {};
    if (record.b?.request) bodies.request = bodyFromRef(dir, record.b.request, exchange.request.body);
    if (record.b?.response) bodies.response = bodyFromRef(dir, record.b.response, exchange.response?.body);
    kept.delete(exchange.id);
    kept.set(exchange.id, {
      summary: summarizeExchange(exchange),
      location,
      ...(bodies.request || bodies.response ? { bodies } : {}),
    });
    if (kept.size > limit) kept.delete(kept.keys().next().value!);
  }
  return { dir, exchanges: [...kept.values()], total, lastSegment, lastSegmentValidBytes };
}

/**
 * Every exchange of a session with its bodies, oldest first, in constant memory: a first pass
 * gathers the later changes (few: most are merged before their exchange is written), a second
 * streams the exchanges with them applied.
 */
export async function* sessionExchanges(
  dir: string,
  options: ReadOptions = {},
): AsyncGenerator<LoadedExchange> {
  const patches = new Map<string, Partial<Exchange>>();
  for await (const { record } of readRecords(dir)) {
    if (record.t === 'u') patches.set(record.id, { ...patches.get(record.id), ...record.p });
  }
  for await (const { record } of readRecords(dir, options)) {
    if (record.t !== 'x') continue;
    const patch = patches.get(record.e.id);
    const exchange = patch ? { ...record.e, ...patch, id: record.e.id } : record.e;
    const bodies: LoadedExchange['bodies'] = {};
    if (record.b?.request) bodies.request = bodyFromRef(dir, record.b.request, exchange.request.body);
    if (record.b?.response) bodies.response = bodyFromRef(dir, record.b.response, exchange.response?.body);
    yield { exchange, ...(bodies.request || bodies.response ? { bodies } : {}) };
  }
}
