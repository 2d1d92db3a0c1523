/**
 * The session an engine records into (docs/sessions.md): a new one at start, a new one after a
 * clear (the cleared one stays saved), or a saved one reopened to go on recording into it. It
 * owns the current SessionWriter and keeps the data directory within the retention settings.
 */
import fs from 'node:fs';
import type { CapturedBody } from '../bodyCapture.js';
import type { RecordLocation } from '../exchangeIndex.js';
import type { Settings } from '../../../../shared/settings.js';
import type { SessionSummary } from '../../../../shared/session.js';
import { applyRetention, findSession } from './sessionCatalog.js';
import { journalPath, newSessionId, sessionDir } from './sessionLayout.js';
import { loadSession, type LoadedSession } from './sessionReader.js';
import { SessionWriter, type SessionFs } from './sessionWriter.js';

export interface SessionRecorderOptions {
  dataDir: string;
  settings: () => Settings;
  notice: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** The current session changed or grew past a limit. */
  changed: (session: SessionSummary) => void;
  /** A body is in the session's blob now (the store lets its copy in memory go). */
  bodyStored?: (exchangeId: string, side: 'request' | 'response', body: CapturedBody) => void;
  /** An exchange's record is in the journal (the store may let its copy in memory go). */
  recordWritten?: (dir: string, exchangeId: string, location: RecordLocation) => void;
  /** Retention removed these segments of the session in `dir`. */
  segmentsRemoved?: (dir: string, segments: number[]) => void;
  fs?: SessionFs;
  flushIntervalMs?: number;
  syncIntervalMs?: number;
  segmentMaxBytes?: number;
}

export class SessionRecorder {
  private current: SessionWriter | undefined;
  private retention: Promise<void> = Promise.resolve();

  constructor(private readonly options: SessionRecorderOptions) {}

  /** The writer of the current session (undefined once closed). */
  get writer(): SessionWriter | undefined {
    return this.current;
  }

  get id(): string | undefined {
    return this.current?.id;
  }

  summary(): SessionSummary | undefined {
    const writer = this.current;
    if (!writer) return undefined;
    return {
      id: writer.id,
      startedAtMs: writer.startedAtMs,
      exchanges: writer.exchanges,
      bytes: writer.bytes,
      live: true,
      current: true,
    };
  }

  /** Begins a new session (the previous one, if any, is closed and stays saved). */
  async startNew(): Promise<string> {
    const previous = this.current;
    const id = newSessionId();
    this.current = this.makeWriter(id);
    await previous?.close();
    this.announce();
    this.keepWithinLimits();
    return id;
  }

  /**
   * Reopens saved session `id` to go on recording into it: its newest `limit` exchanges are
   * handed back for the store (the rest stay on disk). A torn tail is cut off first, so new
   * records follow the last whole one.
   */
  async reopen(id: string, limit: number): Promise<LoadedSession> {
    const entry = await findSession(this.options.dataDir, id);
    if (entry.live && this.current?.id !== id) {
      throw Object.assign(
        new Error(`Session ${id} is being recorded by process ${entry.meta.pid}; stop that capture first.`),
        { code: 'session_in_use' },
      );
    }
    const previous = this.current;
    this.current = undefined;
    await previous?.close();
    const loaded = await loadSession(entry.dir, limit, {
      onProblem: (message) => this.options.notice('warning', message),
    });
    if (loaded.lastSegment > 0) {
      const last = journalPath(entry.dir, loaded.lastSegment);
      if (fs.statSync(last).size > loaded.lastSegmentValidBytes)
        fs.truncateSync(last, loaded.lastSegmentValidBytes);
    }
    this.current = this.makeWriter(id, {
      meta: { ...entry.meta, exchanges: loaded.total },
      lastSegment: loaded.lastSegment,
    });
    this.announce();
    return loaded;
  }

  async close(): Promise<void> {
    const writer = this.current;
    this.current = undefined;
    await writer?.close();
    await this.retention;
  }

  private makeWriter(
    id: string,
    reopen?: ConstructorParameters<typeof SessionWriter>[0]['reopen'],
  ): SessionWriter {
    const settings = this.options.settings;
    return new SessionWriter({
      dir: sessionDir(this.options.dataDir, id),
      id,
      ...(reopen ? { reopen } : {}),
      limits: () => ({ maxSessionBytes: settings().sessionMaxBytes }),
      ...(this.options.fs ? { fs: this.options.fs } : {}),
      ...(this.options.flushIntervalMs !== undefined
        ? { flushIntervalMs: this.options.flushIntervalMs }
        : {}),
      ...(this.options.syncIntervalMs !== undefined ? { syncIntervalMs: this.options.syncIntervalMs } : {}),
      ...(this.options.segmentMaxBytes !== undefined
        ? { segmentMaxBytes: this.options.segmentMaxBytes }
        : {}),
      notice: this.options.notice,
      ...(this.options.bodyStored ? { onBodyStored: this.options.bodyStored } : {}),
      ...(this.options.recordWritten ? { onRecordWritten: this.options.recordWritten } : {}),
      ...(this.options.segmentsRemoved ? { onSegmentsRemoved: this.options.segmentsRemoved } : {}),
      // All sessions together are kept within sessionsMaxTotalBytes as the current one grows.
      onNewSegment: () => this.keepWithinLimits(),
      onDropped: (exchanges) => {
        this.options.notice(
          'warning',
          `Session ${id} reached its limit of ${settings().sessionMaxBytes} bytes (sessionMaxBytes): its oldest ${exchanges} exchanges were dropped from the disk.`,
        );
        this.announce();
        this.keepWithinLimits();
      },
    });
  }

  private announce(): void {
    const summary = this.summary();
    if (summary) this.options.changed(summary);
  }

  /** Removes the oldest saved sessions beyond the retention settings, in the background. */
  private keepWithinLimits(): void {
    const settings = this.options.settings();
    const currentId = this.current?.id;
    this.retention = this.retention
      .then(() =>
        applyRetention(
          this.options.dataDir,
          { maxSessions: settings.sessionsMaxCount, maxTotalBytes: settings.sessionsMaxTotalBytes },
          currentId,
        ),
      )
      .then((removed) => {
        if (removed.length === 0) return;
        this.options.notice(
          'info',
          `Removed ${removed.length} oldest saved session${removed.length > 1 ? 's' : ''} (${removed.map((s) => s.id).join(', ')}) to stay within the limits of ${settings.sessionsMaxCount} sessions and ${settings.sessionsMaxTotalBytes} bytes.`,
        );
      })
      .catch((error: unknown) => {
        this.options.notice(
          'warning',
          `Could not apply the session retention settings: ${(error as Error).message}`,
        );
      });
  }
}
