import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, resolveDataDir } from '@engine/system/dataDir.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-datadir-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (dir: string): number => statSync(dir).mode & 0o777;

describe('resolveDataDir', () => {
  it('prefers the flag, then NETLENS_HOME, then the per-user config dir of the platform', () => {
    expect(resolveDataDir('/x/y', { NETLENS_HOME: '/h' })).toBe(path.resolve('/x/y'));
    expect(resolveDataDir(undefined, { NETLENS_HOME: '/h' })).toBe(path.resolve('/h'));
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe(
      path.join('/cfg', 'NetLens'),
    );
  });
});

describe('ensurePrivateDir', () => {
  it('creates the folder and its missing parents as 0700', async () => {
    const root = tempDir();
    const dir = path.join(root, 'a', 'NetLens');
    await ensurePrivateDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(root, 'a'))).toBe(0o700);
  });

  // Issue 11.12: the data directory was 0755, open to every local user.
  it('narrows an existing folder that others can enter', async () => {
    const dir = path.join(tempDir(), 'NetLens');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    await ensurePrivateDir(dir);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('leaves a private folder and its content alone', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o700);
    const inner = path.join(dir, 'keep');
    mkdirSync(inner);
    chmodSync(inner, 0o750);
    await ensurePrivateDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(inner)).toBe(0o750);
  });
});
