import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionWriter } from '@engine/capture/session/sessionWriter.js';
import { journalPath } from '@engine/capture/session/sessionLayout.js';
import { loadSession } from '@engine/capture/session/sessionReader.js';
import type { RecordLocation } from '@engine/capture/exchangeIndex.js';
import { makeExchange } from '@fixtures/exchangeFactory.js';

/** Fails instead of hanging: a write that never ends is the bug this guards against. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

describe('SessionWriter', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes on writing into the next segment once one is full, and tells where each record is', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-writer-'));
    const sessionDir = path.join(dir, '20261207-120000-wxyz');
    const written = new Map<string, RecordLocation>();
    const writer = new SessionWriter({
      dir: sessionDir,
      id: '20261207-120000-wxyz',
      segmentMaxBytes: 1000,
      flushIntervalMs: 10_000,
      syncIntervalMs: 10_000,
      onRecordWritten: (_dir, id, location) => written.set(id, location),
    });
    const ids: string[] = [];
    for (let round = 0; round < 4; round += 1) {
      for (let i = 0; i < 3; i += 1) {
        const exchange = makeExchange();
        ids.push(exchange.id);
        writer.add(exchange);
      }
      await within(writer.flush(), 5000, `flush ${round + 1}`);
    }
    await within(writer.close(), 5000, 'close');
    expect(fs.existsSync(journalPath(sessionDir, 4))).toBe(true);
    expect([...written.keys()]).toEqual(ids);
    // Each location is that record's frame: the reader finds the same places.
    const loaded = await loadSession(sessionDir, 100);
    expect(loaded.total).toBe(12);
    expect(loaded.exchanges.map((e) => [e.summary.id, e.location])).toEqual(
      ids.map((id) => [id, written.get(id)]),
    );
  });
});
