/**
 * Reads single exchange records back from a session's journal by their location (the store
 * keeps only a compact record in memory once the full one is on disk: docs/sessions.md,
 * "Memory"). One positioned read per record, synchronous: a record is a few kilobytes and the
 * segment files stay open while they are read.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Exchange } from '../../../../shared/model.js';
import type { RecordLocation } from '../exchangeIndex.js';
import { FRAME_HEADER_BYTES, scanFrames } from './journalFrame.js';
import { parseRecord } from './sessionRecord.js';
import { journalPath } from './sessionLayout.js';

/** A record that is no longer where the index says (the segment removed, the file damaged). */
export class RecordUnreadable extends Error {
  readonly code = 'session_unreadable';
}

/** Bytes read at once when going through records in order. */
const READ_AHEAD_BYTES = 1024 * 1024;

/** Segment files kept open at once; beyond, the least recently read is closed. */
const MAX_OPEN_SEGMENTS = 8;

export class SessionRecordReader {
  private readonly open = new Map<number, number>();
  /** The bytes read ahead, for a caller reading many records in order. */
  private window: { segment: number; offset: number; bytes: Buffer } | undefined;

  constructor(readonly dir: string) {}

  /**
   * The exchange of the record at `location`, or a RecordUnreadable saying why not. With
   * `readAhead` (a caller going through many records in journal order: a list, an export), the
   * bytes after it are read too, so the next records come from memory: one read per
   * READ_AHEAD_BYTES instead of one per record.
   */
  read(id: string, location: RecordLocation, readAhead = false): Exchange {
    const where = `exchange ${id} (journal segment ${location.segment} of session ${path.basename(this.dir)}, byte ${location.offset})`;
    let buffer: Buffer;
    try {
      buffer = readAhead ? this.fromWindow(location) : this.readExactly(location);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new RecordUnreadable(
        `Cannot read ${where} back from ${this.dir}: ${reason}. The session's files were changed or removed (retention, or by hand); the other exchanges are not affected.`,
      );
    }
    const scan = scanFrames(buffer);
    const frame = scan.frames[0];
    const record =
      frame && frame.payload.length + FRAME_HEADER_BYTES === location.length
        ? parseRecord(frame.payload)
        : undefined;
    if (!record || record.t !== 'x' || record.e.id !== id) {
      throw new RecordUnreadable(
        `The record of ${where} in ${this.dir} is damaged (${scan.stop === 'corrupt' ? 'its checksum does not match' : 'it is not that exchange'}); the other exchanges are not affected.`,
      );
    }
    return record.e;
  }

  private readExactly(location: RecordLocation): Buffer {
    const buffer = Buffer.allocUnsafe(location.length);
    const read = fs.readSync(this.fdOf(location.segment), buffer, 0, location.length, location.offset);
    if (read < location.length) throw new Error(`the file ends after ${read} of ${location.length} bytes`);
    return buffer;
  }

  /** The record's bytes from the read-ahead window, which is moved to it when it is not there. */
  private fromWindow(location: RecordLocation): Buffer {
    const window = this.window;
    const start = location.offset - (window?.offset ?? 0);
    if (
      window &&
      window.segment === location.segment &&
      start >= 0 &&
      start + location.length <= window.bytes.length
    )
      return window.bytes.subarray(start, start + location.length);
    const bytes = Buffer.allocUnsafe(Math.max(location.length, READ_AHEAD_BYTES));
    const read = fs.readSync(this.fdOf(location.segment), bytes, 0, bytes.length, location.offset);
    if (read < location.length) throw new Error(`the file ends after ${read} of ${location.length} bytes`);
    this.window = { segment: location.segment, offset: location.offset, bytes: bytes.subarray(0, read) };
    return this.window.bytes.subarray(0, location.length);
  }

  /** Forgets an open segment (retention removed it). */
  forget(segment: number): void {
    if (this.window?.segment === segment) this.window = undefined;
    const fd = this.open.get(segment);
    if (fd === undefined) return;
    this.open.delete(segment);
    fs.close(fd, () => undefined);
  }

  close(): void {
    for (const segment of [...this.open.keys()]) this.forget(segment);
  }

  private fdOf(segment: number): number {
    const known = this.open.get(segment);
    if (known !== undefined) {
      this.open.delete(segment);
      this.open.set(segment, known);
      return known;
    }
    const fd = fs.openSync(journalPath(this.dir, segment), 'r');
    this.open.set(segment, fd);
    if (this.open.size > MAX_OPEN_SEGMENTS) this.forget(this.open.keys().next().value!);
    return fd;
  }
}
