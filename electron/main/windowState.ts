/**
 * The window's size and position, remembered in the data dir (window-state.json). Restored
 * only when still sensible: a saved position on a monitor that was since unplugged would open
 * the window off-screen, so it is kept only if it overlaps a current display.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../engine/system/atomicFileWrite.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };
export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 400;
const MAX_SIDE = 100_000;

function finiteInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : undefined;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
}

/** Validates what was read from disk against the current displays' work areas. */
export function sanitizeWindowState(raw: unknown, workAreas: readonly Rect[]): WindowState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const width = finiteInt(r.width);
  const height = finiteInt(r.height);
  if (width === undefined || height === undefined) return { ...DEFAULT_WINDOW_STATE };
  const state: WindowState = {
    width: Math.min(Math.max(width, MIN_WIDTH), MAX_SIDE),
    height: Math.min(Math.max(height, MIN_HEIGHT), MAX_SIDE),
    maximized: r.maximized === true,
  };
  const x = finiteInt(r.x);
  const y = finiteInt(r.y);
  if (x !== undefined && y !== undefined) {
    const rect = { x, y, width: state.width, height: state.height };
    if (workAreas.some((area) => overlaps(rect, area))) {
      state.x = x;
      state.y = y;
    }
  }
  return state;
}

export function windowStateFile(dataDir: string): string {
  return path.join(dataDir, 'window-state.json');
}

export function loadWindowState(dataDir: string, workAreas: readonly Rect[]): WindowState {
  try {
    return sanitizeWindowState(JSON.parse(readFileSync(windowStateFile(dataDir), 'utf8')), workAreas);
  } catch {
    // Missing or corrupt: start with the defaults (the file is rewritten on close).
    return { ...DEFAULT_WINDOW_STATE };
  }
}

export async function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomically(windowStateFile(dataDir), (handle) =>
    handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8'),
  );
}
