import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@shared/api.js';
import type { Exchange } from '@shared/model.js';
import { summarizeExchange } from '@shared/exchangeSummary.js';
import { BodyStore } from '@engine/capture/bodyStore.js';
import { ExchangeStore } from '@engine/capture/exchangeStore.js';
import { SessionWriter } from '@engine/capture/session/sessionWriter.js';
import { journalPath } from '@engine/capture/session/sessionLayout.js';
import { loadSession } from '@engine/capture/session/sessionReader.js';
import { headers, makeExchange } from '@fixtures/exchangeFactory.js';

const SESSION_ID = '20261207-120000-abcd';

/** A store recording into a real session on disk, compacting everything but the newest `keepRecent`. */
describe('ExchangeStore with a session on disk (compact records, read back on demand)', () => {
  let dataDir: string;
  let sessionDir: string;
  let bodies: BodyStore;
  let events: EngineEvent[];
  let writer: SessionWriter;
  let store: ExchangeStore;

  function makeStore(options: { maxExchanges?: number; keepRecent?: number; segmentMaxBytes?: number } = {}) {
    writer = new SessionWriter({
      dir: sessionDir,
      id: SESSION_ID,
      flushIntervalMs: 10_000,
      syncIntervalMs: 10_000,
      ...(options.segmentMaxBytes ? { segmentMaxBytes: options.segmentMaxBytes } : {}),
      onRecordWritten: (dir, id, location) => store.journaled(dir, id, location),
      onBodyStored: (id, side, body) => store.bodyOnDisk(id, side, body),
      onSegmentsRemoved: (dir, segments) => store.segmentsRemoved(dir, segments),
    });
    store = new ExchangeStore(bodies, (e) => events.push(e), {
      maxExchanges: options.maxExchanges ?? 100,
      keepRecent: options.keepRecent ?? 0,
      updateIntervalMs: 10,
      journal: () => writer,
    });
  }

  function exchangeNumber(i: number): Exchange {
    return makeExchange({
      url: `http://127.0.0.1:8080/items/${i}?page=${i % 3}`,
      method: i % 2 === 0 ? 'GET' : 'POST',
      status: i % 5 === 0 ? 503 : 200,
      requestHeaders: headers({ Host: '127.0.0.1:8080', 'X-Index': String(i) }),
      connection: { id: `c${i}`, reused: false, clientAddress: '127.0.0.1' },
      source: 'manual',
    });
  }

  function captured(count: number): Exchange[] {
    const all: Exchange[] = [];
    for (let i = 0; i < count; i += 1) {
      const exchange = exchangeNumber(i);
      all.push(structuredClone(exchange));
      const body = Buffer.from(`response body ${i}`);
      store.finished(exchange, {
        bodies: {
          response: {
            storage: 'memory',
            bytes: body,
            sizeBytes: body.length,
            capturedBytes: body.length,
            truncated: false,
          },
        },
      });
    }
    return all;
  }

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-compact-'));
    sessionDir = path.join(dataDir, 'sessions', SESSION_ID);
    bodies = new BodyStore(dataDir, () => ({ memoryLimitBytes: 1 << 20, capBytes: 1 << 20 }));
    events = [];
  });

  afterEach(async () => {
    store.close();
    await writer.close();
    await bodies.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the full objects go once written and gives the same exchanges back from disk', async () => {
    makeStore();
    const before = captured(20);
    const listedBefore = store.list();
    const summariesBefore = store.summaries();
    expect(store.fullInMemory).toBe(20);
    await writer.flush();
    expect(store.fullInMemory).toBe(0);
    expect(store.size).toBe(20);
    expect(store.list()).toEqual(listedBefore);
    expect([...store.iterate()]).toEqual(before);
    expect(store.get(before[7]!.id)).toEqual(before[7]);
    expect(store.summaries()).toEqual(summariesBefore);
    expect(store.summaries()).toEqual(before.map(summarizeExchange));
    // Bodies moved into the session's blob still read back.
    const body = await store.body(before[3]!.id, 'response');
    expect(Buffer.from(body!.base64, 'base64').toString()).toBe('response body 3');
  });

  it('keeps the newest keepRecent whole and compacts the rest', async () => {
    makeStore({ keepRecent: 5 });
    const before = captured(12);
    await writer.flush();
    expect(store.fullInMemory).toBe(5);
    expect(store.list()).toEqual(before);
  });

  it('keeps everything whole when nothing is written (no session, or the disk failing)', () => {
    makeStore();
    const before = captured(10);
    // No flush: nothing is on disk, so nothing may be let go.
    expect(store.fullInMemory).toBe(10);
    expect(store.list()).toEqual(before);
  });

  it('applies an update made after compaction to what is read back, and journals it', async () => {
    makeStore();
    const before = captured(80);
    await writer.flush();
    const id = before[2]!.id;
    const updated = store.update(id, { traceId: 'trace-1', retry: { chainId: 'chain-x', attempt: 2 } });
    expect(updated).toEqual({ ...before[2], traceId: 'trace-1', retry: { chainId: 'chain-x', attempt: 2 } });
    expect(events.at(-1)).toEqual({ type: 'exchange:updated', exchange: updated });
    // Past the read-back cache (the 64 last read): read from disk again.
    for (const other of before.slice(3)) store.get(other.id);
    expect(store.get(id)).toEqual(updated);
    expect(store.list()[2]).toEqual(updated);
    // The session holds the change too (an `u` frame replayed on reopen).
    await writer.flush();
    const loaded = await loadSession(sessionDir, 100);
    expect(loaded.exchanges.find((e) => e.summary.id === id)?.patch).toEqual({
      traceId: 'trace-1',
      retry: { chainId: 'chain-x', attempt: 2 },
    });
  });

  it('an update made while the record was on its way still reaches what is read back', async () => {
    makeStore();
    const before = captured(3);
    const flushing = writer.flush();
    store.update(before[1]!.id, { traceId: 'late' });
    await flushing;
    await writer.flush();
    expect(store.fullInMemory).toBe(0);
    expect(store.get(before[1]!.id)?.traceId).toBe('late');
  });

  it('drops the oldest compacted exchanges beyond maxExchanges, and clear empties everything', async () => {
    makeStore({ maxExchanges: 5 });
    const before = captured(8);
    await writer.flush();
    expect(store.list().map((e) => e.id)).toEqual(before.slice(3).map((e) => e.id));
    expect(store.get(before[0]!.id)).toBeUndefined();
    expect(store.has(before[0]!.id)).toBe(false);
    expect(store.has(before[7]!.id)).toBe(true);
    store.clear();
    expect(store.size).toBe(0);
    expect(store.list()).toEqual([]);
    expect(store.summaries()).toEqual([]);
    expect(store.get(before[7]!.id)).toBeUndefined();
    // A fresh start compacts again.
    const again = captured(2);
    await writer.flush();
    expect(store.list()).toEqual(again);
  });

  it('a record that cannot be read back is a clear error for get, and left out of lists with one notice', async () => {
    makeStore();
    const before = captured(4);
    await writer.flush();
    // Damage the second record's payload (the checksum no longer matches).
    const file = journalPath(sessionDir, 1);
    const bytes = fs.readFileSync(file);
    const second = bytes.indexOf(Buffer.from(before[1]!.id));
    bytes[second] = bytes[second]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    store.close();
    // A reader opened afresh (the old descriptor would read the same bytes anyway).
    expect(() => store.get(before[1]!.id)).toThrow(/Cannot read|damaged/);
    try {
      store.get(before[1]!.id);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('session_unreadable');
      expect((error as Error).message).toContain(before[1]!.id);
    }
    expect(store.list().map((e) => e.id)).toEqual([before[0]!.id, before[2]!.id, before[3]!.id]);
    expect(store.list()).toHaveLength(3);
    const notices = events.filter((e) => e.type === 'notice');
    expect(notices).toHaveLength(1);
    // The compact records are still there: the list of summaries has all four.
    expect(store.summaries().map((s) => s.id)).toEqual(before.map((e) => e.id));
  });

  it('a removed segment is a clear error, not a crash', async () => {
    makeStore();
    const before = captured(3);
    await writer.flush();
    store.close();
    fs.rmSync(journalPath(sessionDir, 1));
    expect(() => store.get(before[0]!.id)).toThrow(/ENOENT/);
    expect(store.list()).toEqual([]);
  });

  it('drops the exchanges of segments retention removed', async () => {
    makeStore({ segmentMaxBytes: 2000 });
    const before: Exchange[] = [];
    // Three batches: each fills a segment past 2000 bytes, so each is a segment of its own.
    for (let round = 0; round < 3; round += 1) {
      before.push(...captured(10));
      await writer.flush();
    }
    expect(fs.existsSync(journalPath(sessionDir, 3))).toBe(true);
    store.segmentsRemoved(sessionDir, [1]);
    expect(store.size).toBe(20);
    expect(store.list()).toEqual(before.slice(10));
    // Told to listeners as any eviction is (one event per update interval).
    await vi.waitFor(() =>
      expect(events.flatMap((e) => (e.type === 'exchanges:dropped' ? e.ids : []))).toEqual(
        before.slice(0, 10).map((e) => e.id),
      ),
    );
  });

  it('fills from a saved session with compact records that read back whole (reopen)', async () => {
    makeStore();
    const before = captured(10);
    store.update(before[4]!.id, { traceId: 'kept' });
    await writer.flush();
    await writer.close();
    const loaded = await loadSession(sessionDir, 6);
    expect(loaded.total).toBe(10);
    store.clear();
    store.restored(loaded.exchanges, loaded.dir);
    expect(store.size).toBe(6);
    expect(store.fullInMemory).toBe(0);
    const expected = before.slice(4);
    expected[0] = { ...expected[0]!, traceId: 'kept' };
    expect(store.list()).toEqual(expected);
    const body = await store.body(before[9]!.id, 'response');
    expect(Buffer.from(body!.base64, 'base64').toString()).toBe('response body 9');
  });
});
