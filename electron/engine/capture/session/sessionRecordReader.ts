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

/** Segment files kept open at once; beyond, the least recently read is closed. */
const MAX_OPEN_SEGMENTS = 8;

export class SessionRecordReader {
  private readonly open = new Map<number, number>();

  constructor(readonly dir: string) {}

  /** The exchange of the record at `location`, or a RecordUnreadable saying why not. */
  read(id: string, location: RecordLocation): Exchange {
    const where = `exchange ${id} (journal segment ${location.segment} of session ${path.basename(this.dir)}, byte ${location.offset})`;
    let buffer: Buffer;
    try {
      const fd = this.fdOf(location.segment);
      buffer = Buffer.allocUnsafe(location.length);
      const read = fs.readSync(fd, buffer, 0, location.length, location.offset);
      if (read < location.length) throw new Error(`the file ends after ${read} of ${location.length} bytes`);
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

  /** Forgets an open segment (retention removed it). */
  forget(segment: number): void {
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
