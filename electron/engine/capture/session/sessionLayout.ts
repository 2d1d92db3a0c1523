/**
 * Where a session lives on disk (docs/sessions.md): `DATA/sessions/ID/` holds `session.json`
 * (its facts), the journal in segments `000001.journal`, `000002.journal`… (one framed record
 * per finished exchange, journalFrame.ts), beside each segment its small bodies appended to
 * `000001.blob`, and the large bodies spilled during capture moved into `bodies/000001/`.
 * Retention drops whole segments, oldest first: three deletions, no rewriting.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_DIR_MODE } from '../../system/dataDir.js';
import { writeTextFileAtomically } from '../../system/atomicFileWrite.js';

export const SESSIONS_DIR = 'sessions';
export const META_FILE = 'session.json';
export const SESSION_FORMAT_VERSION = 1;

/** `20261207-115310-k3f9`: sorts by start (UTC), readable, and unique enough with its suffix. */
const ID_PATTERN = /^\d{8}-\d{6}-[0-9a-z]{4}$/;

export function newSessionId(nowMs = Date.now()): string {
  const iso = new Date(nowMs).toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  const suffix = (randomBytes(3).readUIntBE(0, 3) % 36 ** 4).toString(36).padStart(4, '0');
  return `${stamp}-${suffix}`;
}

export function isSessionId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function sessionsRoot(dataDir: string): string {
  return path.join(dataDir, SESSIONS_DIR);
}

export function sessionDir(dataDir: string, id: string): string {
  return path.join(sessionsRoot(dataDir), id);
}

function segmentName(segment: number): string {
  return String(segment).padStart(6, '0');
}

export function journalPath(dir: string, segment: number): string {
  return path.join(dir, `${segmentName(segment)}.journal`);
}

export function blobPath(dir: string, segment: number): string {
  return path.join(dir, `${segmentName(segment)}.blob`);
}

export function segmentBodiesDir(dir: string, segment: number): string {
  return path.join(dir, 'bodies', segmentName(segment));
}

/** The journal segments present in a session folder, oldest first. */
export function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const segments: number[] = [];
  for (const name of names) {
    const match = /^(\d{6})\.journal$/.exec(name);
    if (match) segments.push(Number(match[1]));
  }
  return segments.sort((a, b) => a - b);
}

/** What `session.json` says about a session. */
export interface SessionMeta {
  version: number;
  id: string;
  startedAtMs: number;
  /** Set when the session was closed cleanly; absent while it is written, or after a crash. */
  endedAtMs?: number;
  /** The process writing it, while it does. */
  pid?: number;
  /** Exchanges written (as of the last update of this file: at most a second or two behind). */
  exchanges: number;
  /** Exchanges retention dropped, oldest first. */
  droppedExchanges?: number;
}

export function parseMeta(text: string, id: string): SessionMeta | undefined {
  try {
    const value = JSON.parse(text) as Partial<SessionMeta>;
    if (typeof value !== 'object' || value === null) return undefined;
    if (typeof value.startedAtMs !== 'number' || typeof value.exchanges !== 'number') return undefined;
    return {
      version: typeof value.version === 'number' ? value.version : SESSION_FORMAT_VERSION,
      id,
      startedAtMs: value.startedAtMs,
      exchanges: value.exchanges,
      ...(typeof value.endedAtMs === 'number' ? { endedAtMs: value.endedAtMs } : {}),
      ...(typeof value.pid === 'number' ? { pid: value.pid } : {}),
      ...(typeof value.droppedExchanges === 'number' && value.droppedExchanges > 0
        ? { droppedExchanges: value.droppedExchanges }
        : {}),
    };
  } catch {
    return undefined;
  }
}

export async function readMeta(dir: string, id: string): Promise<SessionMeta | undefined> {
  try {
    return parseMeta(await fsp.readFile(path.join(dir, META_FILE), 'utf8'), id);
  } catch {
    return undefined;
  }
}

export async function writeMeta(dir: string, meta: SessionMeta): Promise<void> {
  await writeTextFileAtomically(path.join(dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

export function makeSessionDirSync(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Whether the process that wrote a session is still running (a live session is not ours to delete). */
export function isProcessAlive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Total bytes of the files under `dir` (a session folder). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile())
      total += await fsp.stat(full).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}
