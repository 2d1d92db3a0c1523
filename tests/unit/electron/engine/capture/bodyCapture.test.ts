import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BodyCapture } from '@engine/capture/bodyCapture.js';

const dirs: string[] = [];
function spillPathFactory(): () => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-capture-'));
  dirs.push(dir);
  let n = 0;
  return () => path.join(dir, `${++n}.body`);
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('BodyCapture', () => {
  it('keeps a small body in memory', async () => {
    const capture = new BodyCapture({ memoryLimitBytes: 100, capBytes: 1000, spillPath: spillPathFactory() });
    capture.write(Buffer.from('hello '));
    capture.write(Buffer.from('world'));
    const body = await capture.end();
    expect(body.storage).toBe('memory');
    expect(body.storage === 'memory' && body.bytes.toString()).toBe('hello world');
    expect(body).toMatchObject({ sizeBytes: 11, capturedBytes: 11, truncated: false });
  });

  it('spills to a file beyond the memory limit, with every byte in order', async () => {
    const capture = new BodyCapture({ memoryLimitBytes: 10, capBytes: 1000, spillPath: spillPathFactory() });
    capture.write(Buffer.from('0123456789'));
    capture.write(Buffer.from('abcdef'));
    capture.write(Buffer.from('XYZ'));
    const body = await capture.end();
    expect(body.storage).toBe('file');
    if (body.storage !== 'file') return;
    expect(fs.readFileSync(body.path, 'utf8')).toBe('0123456789abcdefXYZ');
    expect(body.capturedBytes).toBe(19);
  });

  it('cuts at the hard cap, marks truncated, and still counts the whole size', async () => {
    const capture = new BodyCapture({ memoryLimitBytes: 1000, capBytes: 8, spillPath: spillPathFactory() });
    capture.write(Buffer.from('12345'));
    capture.write(Buffer.from('67890'));
    capture.write(Buffer.from('more'));
    const body = await capture.end();
    expect(body).toMatchObject({ sizeBytes: 14, capturedBytes: 8, truncated: true, truncatedReason: 'cap' });
    expect(body.storage === 'memory' && body.bytes.toString()).toBe('12345678');
  });

  it('ends the capture early (truncated) when the spill file cannot be written, without throwing', async () => {
    const capture = new BodyCapture({
      memoryLimitBytes: 2,
      capBytes: 1000,
      spillPath: () => path.join(os.tmpdir(), 'netlens-no-such-dir', 'x', 'y.body'),
    });
    expect(() => capture.write(Buffer.from('abcdef'))).not.toThrow();
    // The spill file fails to open asynchronously: write on before and after that is known.
    capture.write(Buffer.from('ghi'));
    const body = await capture.end();
    expect(body.truncated).toBe(true);
    expect(body.truncatedReason).toBe('disk_error');
    expect(body.sizeBytes).toBe(9);
  });

  it('discard removes a spilled file', async () => {
    const spill = spillPathFactory();
    let spilled = '';
    const capture = new BodyCapture({
      memoryLimitBytes: 1,
      capBytes: 100,
      spillPath: () => (spilled = spill()),
    });
    capture.write(Buffer.from('abc'));
    expect(fs.existsSync(spilled)).toBe(true);
    capture.discard();
    for (let turn = 0; fs.existsSync(spilled) && turn < 500; turn += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(fs.existsSync(spilled)).toBe(false);
  });

  it('spills a body of several spill buffers with every byte in order', async () => {
    const capture = new BodyCapture({
      memoryLimitBytes: 1000,
      capBytes: 8 * 1024 * 1024,
      spillPath: spillPathFactory(),
    });
    const expected: Buffer[] = [];
    for (let i = 0; i < 56; i += 1) {
      const chunk = Buffer.alloc(64 * 1024 + 7, i);
      expected.push(chunk);
      capture.write(chunk);
      // Let the disk keep up now and then, as it does between socket reads.
      if (i % 8 === 7) await new Promise((r) => setTimeout(r, 5));
    }
    const body = await capture.end();
    expect(body.storage).toBe('file');
    if (body.storage !== 'file') return;
    expect(body.truncated).toBe(false);
    expect(fs.readFileSync(body.path).equals(Buffer.concat(expected))).toBe(true);
  });

  it('stops (truncated) rather than buffer without bound when the disk falls behind', async () => {
    const capture = new BodyCapture({
      memoryLimitBytes: 10,
      capBytes: 64 * 1024 * 1024,
      maxPendingDiskBytes: 1,
      spillPath: spillPathFactory(),
    });
    const chunk = Buffer.alloc(256 * 1024, 7);
    // All at once: no write can complete in between, so only the bounded spill buffers fill.
    for (let i = 0; i < 40; i += 1) capture.write(chunk);
    const body = await capture.end();
    expect(body.truncated).toBe(true);
    expect(body.truncatedReason).toBe('disk_behind');
    expect(body.sizeBytes).toBe(40 * chunk.length);
    expect(body.capturedBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    if (body.storage !== 'file') throw new Error('expected a spilled body');
    expect(fs.statSync(body.path).size).toBe(body.capturedBytes);
  });

  it('keeps up with a disk slower than the wire: each write takes everything waiting', async () => {
    // The disk completes one write per burst of 2 MiB from the wire, and 4 MiB may wait for it.
    // One spill buffer per write fell behind by 1 MiB a burst and cut the capture at the fourth.
    const held: (() => void)[] = [];
    const holdCompletion =
      <A extends unknown[]>(real: (...args: A) => void) =>
      (...args: A): void => {
        const callback = args.pop() as (...result: unknown[]) => void;
        real(...([...args, (...result: unknown[]) => held.push(() => callback(...result))] as unknown as A));
      };
    const realWritev = fs.writev.bind(fs);
    const realWrite = fs.write.bind(fs);
    const spies = [
      vi.spyOn(fs, 'writev').mockImplementation(holdCompletion(realWritev) as typeof fs.writev),
      vi.spyOn(fs, 'write').mockImplementation(holdCompletion(realWrite) as typeof fs.write),
    ];
    // Waits for the write in flight to come back from the disk, then completes it.
    const completeOneWrite = async (): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      held.shift()?.();
    };
    try {
      const capture = new BodyCapture({
        memoryLimitBytes: 1024,
        capBytes: 64 * 1024 * 1024,
        maxPendingDiskBytes: 4 * 1024 * 1024,
        spillPath: spillPathFactory(),
      });
      const expected: Buffer[] = [];
      for (let burst = 0; burst < 12; burst += 1) {
        for (let i = 0; i < 32; i += 1) {
          const chunk = Buffer.alloc(64 * 1024, (burst * 32 + i) % 251);
          expected.push(chunk);
          capture.write(chunk);
        }
        if (capture.truncated) break;
        await completeOneWrite();
      }
      let ended = false;
      const ending = capture.end().finally(() => (ended = true));
      // Then the disk catches up: every write completes as it comes back, until the file is closed.
      const deadline = Date.now() + 10_000;
      while (!ended && Date.now() < deadline) {
        held.shift()?.();
        await new Promise((r) => setImmediate(r));
      }
      const body = await ending;
      expect(body.truncatedReason).toBeUndefined();
      expect(body.truncated).toBe(false);
      expect(body.capturedBytes).toBe(12 * 2 * 1024 * 1024);
      if (body.storage !== 'file') throw new Error('expected a spilled body');
      expect(fs.readFileSync(body.path).equals(Buffer.concat(expected))).toBe(true);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('keeps what it has in memory (truncated) when the spill file cannot be created', () => {
    const capture = new BodyCapture({
      memoryLimitBytes: 4,
      capBytes: 1000,
      spillPath: () => path.join(os.tmpdir(), 'netlens-no-such-dir', 'x', 'y.body'),
    });
    capture.write(Buffer.from('abc'));
    capture.write(Buffer.from('defgh'));
    const body = capture.endInMemory();
    expect(body).toMatchObject({
      storage: 'memory',
      sizeBytes: 8,
      capturedBytes: 3,
      truncated: true,
      truncatedReason: 'disk_error',
    });
    expect(body?.storage === 'memory' && body.bytes.toString()).toBe('abc');
  });
});
