import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BodyStore } from '../../../../../electron/engine/capture/bodyStore.js';

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
    store.put('ex1', 'response', await capture.end());
    expect(path.dirname(store.runDir)).toBe(path.join(dataDir, 'bodies'));
    expect(fs.readdirSync(store.runDir)).toHaveLength(1);
    expect((await store.read('ex1', 'response'))?.toString()).toBe('spilled body');
    await store.clear();
    expect(fs.existsSync(store.runDir)).toBe(false);
    expect(await store.read('ex1', 'response')).toBeUndefined();
    const again = store.open();
    again.write(Buffer.from('after clear'));
    store.put('ex2', 'request', await again.end());
    expect((await store.read('ex2', 'request'))?.toString()).toBe('after clear');
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

  it('delete removes both sides and their files', async () => {
    const store = new BodyStore(dataDir, () => ({ memoryLimitBytes: 0, capBytes: 100 }));
    const capture = store.open();
    capture.write(Buffer.from('x'));
    const body = await capture.end();
    store.put('ex', 'request', body);
    store.delete('ex');
    expect(store.has('ex', 'request')).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(body.storage === 'file' && fs.existsSync(body.path)).toBe(false);
    await store.close();
  });

  it('gives back in-memory bodies as they were put, whole, truncated or already decoded', async () => {
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
    for (const [id, body] of Object.entries(bodies)) store.put(id, 'response', body);
    for (const [id, body] of Object.entries(bodies)) {
      expect(store.get(id, 'response')).toEqual(body);
      expect((await store.read(id, 'response'))?.toString()).toBe(
        body.storage === 'memory' ? body.bytes.toString() : '',
      );
    }
    expect(store.get('whole', 'response')).toMatchObject({
      sizeBytes: 3,
      capturedBytes: 3,
      truncated: false,
    });
    expect(store.get('truncated', 'response')).toMatchObject({
      sizeBytes: 6,
      capturedBytes: 4,
      truncated: true,
    });
    await store.close();
  });
});
