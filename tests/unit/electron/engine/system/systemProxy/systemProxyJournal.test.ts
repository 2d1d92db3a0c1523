import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bootTimeMs,
  journalPath,
  ownerAlive,
  readJournal,
  writeJournal,
  type SystemProxyJournal,
} from '@engine/system/systemProxy/systemProxyJournal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-journal-'));
  dirs.push(dir);
  return dir;
}

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
const journal = (overrides: Partial<SystemProxyJournal> = {}): SystemProxyJournal => ({
  version: 1,
  owner: { name: 'netlens proxy', pid: process.pid, bootTimeMs: bootTimeMs() },
  ...(uid !== undefined ? { uid } : {}),
  createdAtMs: Date.now(),
  backend: 'gnome',
  mode: 'manual',
  proxy: { host: '127.0.0.1', port: 41234 },
  previous: { mode: "'none'" },
  applied: { mode: "'manual'" },
  ...overrides,
});
const valid = () => true;

describe('the system-proxy journal', () => {
  it('is written readable by the user only and read back whole', async () => {
    const dir = dataDir();
    const written = journal({ pacUrl: 'http://127.0.0.1:41234/proxy.pac', mode: 'pac' });
    await writeJournal(dir, written);
    if (process.platform !== 'win32') expect(fs.statSync(journalPath(dir)).mode & 0o777).toBe(0o600);
    expect(readJournal(dir, valid)).toEqual({ journal: written });
    expect(readJournal(dataDir(), valid)).toEqual({});
  });

  it('corrupt or not a journal: one line saying what to do, never a throw', async () => {
    const dir = dataDir();
    fs.writeFileSync(journalPath(dir), '{"version": 1, "owner"');
    expect(readJournal(dir, valid).problem).toBe(
      `${journalPath(dir)} is not valid JSON, so NetLens cannot tell what to restore. Check the proxy setting yourself (\`netlens system-proxy status\` shows it), then delete the file.`,
    );
    fs.writeFileSync(journalPath(dir), JSON.stringify({ ...journal(), backend: 'amiga' }));
    expect(readJournal(dir, valid).problem).toMatch(
      /is not a NetLens system-proxy journal \(unknown backend "amiga"\)/,
    );
    fs.writeFileSync(journalPath(dir), JSON.stringify({ ...journal(), previous: { mode: { deep: [1] } } }));
    expect(readJournal(dir, valid).problem).toMatch(/previous values are malformed/);
    fs.writeFileSync(journalPath(dir), JSON.stringify(journal()));
    expect(readJournal(dir, () => false).problem).toMatch(/previous values are malformed/);
  });

  it.skipIf(uid === undefined)("another user's journal is left alone", async () => {
    const dir = dataDir();
    await writeJournal(dir, journal());
    expect(readJournal(dir, valid, uid! + 1).problem).toMatch(
      new RegExp(`belongs to another user \\(uid ${uid}\\); NetLens running as uid ${uid! + 1} leaves it`),
    );
    await writeJournal(dir, journal({ uid: uid! + 7 }));
    expect(readJournal(dir, valid).problem).toMatch(/was written for another user \(uid \d+\)/);
  });

  it('knows a dead owner: no such process, an earlier boot, a reused pid, or this very process', () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(ownerAlive(journal({ owner: { name: 'x', pid: exited } }))).toBe(false);
    expect(ownerAlive(journal({ owner: { name: 'x', pid: process.ppid, bootTimeMs: bootTimeMs() } }))).toBe(
      true,
    );
    const earlierBoot = bootTimeMs() - 24 * 3600_000;
    expect(ownerAlive(journal({ owner: { name: 'x', pid: process.ppid, bootTimeMs: earlierBoot } }))).toBe(
      false,
    );
    expect(ownerAlive(journal({ owner: { name: 'set until off' } }))).toBe(false);
    expect(ownerAlive(journal(), process.pid)).toBe(false);
    if (process.platform === 'linux') {
      // Our parent started before this journal was "written" a day ago? No: it is a reused pid.
      expect(
        ownerAlive(
          journal({ owner: { name: 'x', pid: process.ppid }, createdAtMs: Date.now() - 24 * 3600_000 }),
        ),
      ).toBe(false);
    }
  });
});
