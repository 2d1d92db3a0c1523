import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BodyStore,
  compactBody,
  expandBody,
  readStoredBody,
  removeStoredBody,
} from '@engine/capture/bodyStore.js';

describe('BodyStore', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-bodies-'));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('spills into <dataDir>/bodies/<run>/ and reads back; clear and close remove the run folder', async () => {
    const store = new BodyStore(dataDir, () => ({ memoryLimitBytes: 2, capBytes: 100 }));
    const capture = store.open();
    capture.write(Buffer.from('spilled body'));
    const spilled = await capture.end();
    expect(spilled.storage).toBe('file');
    expect(path.dirname(store.runDir)).toBe(path.join(dataDir, 'bodies'));
    expect(fs.readdirSync(store.runDir)).toHaveLength(1);
    expect((await readStoredBody(compactBody(spilled)))?.toString()).toBe('spilled body');
    await store.clear();
    expect(fs.existsSync(store.runDir)).toBe(false);
    expect(await readStoredBody(spilled)).toBeUndefined();
    const again = store.open();
    again.write(Buffer.from('after clear'));
    expect((await readStoredBody(await again.end()))?.toString()).toBe('after clear');
    await store.close();
    expect(fs.existsSync(store.runDir)).toBe(false);
  });

  it('removes run folders left by processes that are gone, and keeps live ones', async () => {
    const root = path.join(dataDir, 'bodies');
    // PID 2^22+1 is above Linux's pid_max default: never a live process.
    const dead = path.join(root, `${2 ** 22 + 1}-abc`);
    const live = path.join(root, `${process.pid}-old`);
    fs.mkdirSync(dead, { recursive: true });
    fs.mkdirSync(live, { recursive: true });
    const store = new BodyStore(dataDir, () => ({ memoryLimitBytes: 2, capBytes: 100 }));
    await store.removeStaleRuns();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
  });

  it('removeStoredBody removes a spilled file and leaves in-memory bodies alone', async () => {
    const store = new BodyStore(dataDir, () => ({ memoryLimitBytes: 0, capBytes: 100 }));
    const capture = store.open();
    capture.write(Buffer.from('x'));
    const body = await capture.end();
    expect(body.storage === 'file' && fs.existsSync(body.path)).toBe(true);
    removeStoredBody(Buffer.from('in memory'));
    removeStoredBody(compactBody(body));
    await new Promise((r) => setTimeout(r, 30));
    expect(body.storage === 'file' && fs.existsSync(body.path)).toBe(false);
    await store.close();
  });

  it('keeps in-memory bodies compactly and gives them back as they were, whole, truncated or already decoded', async () => {
    const store = new BodyStore(dataDir, () => ({ memoryLimitBytes: 100, capBytes: 4 }));
    const whole = store.open();
    whole.write(Buffer.from('abc'));
    const truncated = store.open();
    truncated.write(Buffer.from('abcdef'));
    const bodies = {
      whole: await whole.end(),
      truncated: await truncated.end(),
      decoded: {
        storage: 'memory' as const,
        bytes: Buffer.from('{}'),
        sizeBytes: 2,
        capturedBytes: 2,
        truncated: false,
        alreadyDecoded: true,
      },
    };
    // Kept whole: as the bytes alone; the others as their record.
    expect(Buffer.isBuffer(compactBody(bodies.whole))).toBe(true);
    expect(Buffer.isBuffer(compactBody(bodies.truncated))).toBe(false);
    expect(Buffer.isBuffer(compactBody(bodies.decoded))).toBe(false);
    for (const body of Object.values(bodies)) {
      const kept = compactBody(body);
      expect(expandBody(kept)).toEqual(body);
      expect((await readStoredBody(kept))?.toString()).toBe(
        body.storage === 'memory' ? body.bytes.toString() : '',
      );
    }
    expect(expandBody(compactBody(bodies.whole))).toMatchObject({
      sizeBytes: 3,
      capturedBytes: 3,
      truncated: false,
    });
    expect(expandBody(compactBody(bodies.truncated))).toMatchObject({
      sizeBytes: 6,
      capturedBytes: 4,
      truncated: true,
    });
    await store.close();
  });
});
