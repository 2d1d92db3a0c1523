import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomically, writeTextFileAtomically } from '@engine/system/atomicFileWrite.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-atomic-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('replaces the target with everything written and leaves no temporary file behind', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'session.har');
    writeFileSync(file, 'old');
    await writeFileAtomically(file, async (handle) => {
      await handle.write('first ');
      await handle.write('second');
    });
    expect(readFileSync(file, 'utf8')).toBe('first second');
    expect(readdirSync(dir)).toEqual(['session.har']);
  });

  it('keeps the old file and cleans up when the writer fails', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'session.har');
    writeFileSync(file, 'old');
    await expect(
      writeFileAtomically(file, async (handle) => {
        await handle.write('half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['session.har']);
  });

  it('fails, writing nothing, when the folder does not exist', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'missing', 'session.har');
    await expect(writeFileAtomically(file, async () => undefined)).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  // Issue 11.12: a HAR holding Authorization headers was created 0644.
  it('creates the file readable by its owner only (0600) unless told otherwise', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'session.har');
    await writeTextFileAtomically(file, '{}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });

  it('gives a replaced file the new mode, not the old one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'monitors.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await writeTextFileAtomically(file, 'new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('uses the mode it is given', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'ca.pem');
    const umask = process.umask();
    await writeTextFileAtomically(file, 'public', { mode: 0o644 });
    expect(statSync(file).mode & 0o777).toBe(0o644 & ~umask);
  });
});
