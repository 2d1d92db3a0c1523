/**
 * The saved sessions of a data directory: list them (newest first), remove one, and keep them
 * within the retention settings (docs/sessions.md): at most `maxSessions`, at most
 * `maxTotalBytes` in all, the oldest dropped first. A session another NetLens is still writing
 * is never removed.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { SessionSummary } from '../../../../shared/session.js';
import {
  folderBytes,
  isProcessAlive,
  isSessionId,
  listSegments,
  readMeta,
  sessionDir,
  journalPath,
  sessionsRoot,
  SESSION_FORMAT_VERSION,
  type SessionMeta,
} from './sessionLayout.js';
import { FRAME_HEADER_BYTES } from './journalFrame.js';

export interface CatalogEntry extends SessionSummary {
  dir: string;
  meta: SessionMeta;
}

/** Every session of the data directory, newest first. Folders that are not sessions are left alone. */
export async function listSessions(dataDir: string): Promise<CatalogEntry[]> {
  let names: string[];
  try {
    names = await fsp.readdir(sessionsRoot(dataDir));
  } catch {
    return [];
  }
  const entries = await Promise.all(
    names.filter(isSessionId).map(async (id): Promise<CatalogEntry | undefined> => {
      const dir = sessionDir(dataDir, id);
      const meta = (await readMeta(dir, id)) ?? metaFromJournal(dir, id);
      if (!meta) return undefined;
      const live = meta.endedAtMs === undefined && isProcessAlive(meta.pid);
      return {
        id,
        dir,
        meta,
        startedAtMs: meta.startedAtMs,
        ...(meta.endedAtMs !== undefined ? { endedAtMs: meta.endedAtMs } : {}),
        exchanges: meta.exchanges,
        bytes: await folderBytes(dir),
        ...(meta.droppedExchanges ? { droppedExchanges: meta.droppedExchanges } : {}),
        ...(live ? { live: true } : {}),
      };
    }),
  );
  return entries
    .filter((entry): entry is CatalogEntry => entry !== undefined)
    .sort((a, b) => b.startedAtMs - a.startedAtMs || (a.id < b.id ? 1 : -1));
}

/**
 * A session whose `session.json` is missing or damaged (NetLens killed within its first second,
 * before that file was first written) but whose journal is there: its facts are taken from its
 * id and its journal, so it can still be listed, exported and removed.
 */
function metaFromJournal(dir: string, id: string): SessionMeta | undefined {
  const segments = listSegments(dir);
  if (segments.length === 0) return undefined;
  const stamp = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id)!;
  const startedAtMs = Date.UTC(+stamp[1]!, +stamp[2]! - 1, +stamp[3]!, +stamp[4]!, +stamp[5]!, +stamp[6]!);
  return { version: SESSION_FORMAT_VERSION, id, startedAtMs, exchanges: countFrames(dir, segments) };
}

/** Whole frames in the journal segments (headers only: no payload is read). */
function countFrames(dir: string, segments: readonly number[]): number {
  let count = 0;
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  for (const segment of segments) {
    let fd: number;
    try {
      fd = fs.openSync(journalPath(dir, segment), 'r');
    } catch {
      continue;
    }
    try {
      const size = fs.fstatSync(fd).size;
      let position = 0;
      while (position + FRAME_HEADER_BYTES <= size) {
        if (fs.readSync(fd, header, 0, FRAME_HEADER_BYTES, position) < FRAME_HEADER_BYTES) break;
        const end = position + FRAME_HEADER_BYTES + header.readUInt32LE(0);
        if (end > size) break;
        count += 1;
        position = end;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return count;
}

export class SessionNotFound extends Error {
  readonly code = 'not_found';
}

export class SessionUnreadable extends Error {
  readonly code = 'session_unreadable';
}

export class SessionInUse extends Error {
  readonly code = 'session_in_use';
}

/** The session `id`, or a clear error naming it. */
export async function findSession(dataDir: string, id: string): Promise<CatalogEntry> {
  if (!isSessionId(id)) {
    throw new SessionNotFound(
      `"${id}" is not a session id (they look like 20261207-115310-k3f9; \`netlens sessions list\` shows them).`,
    );
  }
  const entry = (await listSessions(dataDir)).find((session) => session.id === id);
  if (!entry && fs.existsSync(sessionDir(dataDir, id))) {
    throw new SessionUnreadable(
      `Session ${id} in ${sessionDir(dataDir, id)} cannot be read: its session.json is missing or damaged and it has no journal. Remove that folder if you do not need it.`,
    );
  }
  if (!entry) {
    throw new SessionNotFound(
      `No session ${id} in ${sessionsRoot(dataDir)}; \`netlens sessions list\` shows them.`,
    );
  }
  return entry;
}

/** Removes a saved session; refuses one that a running NetLens is writing. */
export async function removeSession(dataDir: string, id: string, currentId?: string): Promise<void> {
  const entry = await findSession(dataDir, id).catch(async (error: unknown) => {
    // A folder that cannot be read as a session is still the user's to remove.
    if (!(error instanceof SessionUnreadable)) throw error;
    await fsp.rm(sessionDir(dataDir, id), { recursive: true, force: true });
    return undefined;
  });
  if (!entry) return;
  if (id === currentId || entry.live) {
    throw new SessionInUse(
      `Session ${id} is being recorded${entry.meta.pid ? ` by process ${entry.meta.pid}` : ''}; stop that capture first (or clear it, which starts a new session).`,
    );
  }
  await fsp.rm(entry.dir, { recursive: true, force: true });
}

export interface RetentionLimits {
  /** Most sessions kept (the current one included). */
  maxSessions: number;
  /** Most bytes of all sessions together; 0: no limit. */
  maxTotalBytes: number;
}

/**
 * Removes the oldest sessions beyond the limits; never the current one, nor one still being
 * written by another process. Returns what it removed.
 */
export async function applyRetention(
  dataDir: string,
  limits: RetentionLimits,
  currentId?: string,
): Promise<CatalogEntry[]> {
  const sessions = await listSessions(dataDir);
  let total = sessions.reduce((sum, s) => sum + s.bytes, 0);
  let count = sessions.length;
  const removed: CatalogEntry[] = [];
  for (const session of [...sessions].reverse()) {
    const overCount = count > limits.maxSessions;
    const overBytes = limits.maxTotalBytes > 0 && total > limits.maxTotalBytes;
    if (!overCount && !overBytes) break;
    if (session.id === currentId || session.live) continue;
    await fsp.rm(session.dir, { recursive: true, force: true }).catch(() => undefined);
    removed.push(session);
    total -= session.bytes;
    count -= 1;
  }
  return removed;
}
