import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  MIN_WIDTH,
  loadWindowState,
  sanitizeWindowState,
  saveWindowState,
  windowStateFile,
} from '@main/windowState.js';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('sanitizeWindowState', () => {
  it('keeps a sensible saved state', () => {
    expect(sanitizeWindowState({ width: 1000, height: 700, x: 100, y: 50, maximized: true }, screen)).toEqual(
      {
        width: 1000,
        height: 700,
        x: 100,
        y: 50,
        maximized: true,
      },
    );
  });

  it('drops a position that is on no current display, and clamps tiny sizes', () => {
    const state = sanitizeWindowState({ width: 10, height: 700, x: 5000, y: 50 }, screen);
    expect(state).toEqual({ width: MIN_WIDTH, height: 700, maximized: false });
  });

  it('falls back to the defaults for junk', () => {
    for (const junk of [null, 'x', { width: 'big' }, { width: Number.NaN, height: 3 }]) {
      expect(sanitizeWindowState(junk, screen)).toEqual(DEFAULT_WINDOW_STATE);
    }
  });
});

describe('loadWindowState / saveWindowState', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips through the data dir and survives a corrupt file', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-window-'));
    expect(loadWindowState(dir, screen)).toEqual(DEFAULT_WINDOW_STATE);
    await saveWindowState(dir, { width: 900, height: 600, x: 10, y: 20, maximized: false });
    expect(JSON.parse(readFileSync(windowStateFile(dir), 'utf8'))).toMatchObject({ width: 900 });
    expect(loadWindowState(dir, screen)).toEqual({ width: 900, height: 600, x: 10, y: 20, maximized: false });
    writeFileSync(windowStateFile(dir), '{not json');
    expect(loadWindowState(dir, screen)).toEqual(DEFAULT_WINDOW_STATE);
  });
});
