import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@shared/api.js';
import { BodyStore } from '@engine/capture/bodyStore.js';
import { ExchangeStore } from '@engine/capture/exchangeStore.js';
import { makeExchange } from '@fixtures/exchangeFactory.js';

describe('ExchangeStore', () => {
  let dataDir: string;
  let bodies: BodyStore;
  let events: EngineEvent[];
  let store: ExchangeStore;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-store-'));
    bodies = new BodyStore(dataDir, () => ({ memoryLimitBytes: 4, capBytes: 1000 }));
    events = [];
    store = new ExchangeStore(bodies, (e) => events.push(e), { maxExchanges: 3, updateIntervalMs: 50 });
  });

  afterEach(async () => {
    store.close();
    await bodies.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('emits started and finished with snapshots the proxy cannot mutate afterwards', () => {
    const exchange = makeExchange({ state: 'pending' });
    store.started(exchange);
    exchange.request.method = 'MUTATED';
    expect(store.get(exchange.id)?.request.method).toBe('GET');
    exchange.state = 'complete';
    store.finished(exchange);
    expect(events.map((e) => e.type)).toEqual(['exchange:started', 'exchange:finished']);
    expect(store.size).toBe(1);
  });

  it('coalesces progress into trailing updates, one per interval, the last state winning', () => {
    vi.useFakeTimers();
    try {
      const exchange = makeExchange({ state: 'pending' });
      store.started(exchange);
      for (let i = 0; i < 10; i += 1) {
        exchange.durationMs = i;
        store.progressed(exchange);
      }
      expect(events.filter((e) => e.type === 'exchange:updated')).toHaveLength(0);
      vi.advanceTimersByTime(60);
      const updates = events.filter((e) => e.type === 'exchange:updated');
      expect(updates).toHaveLength(1);
      expect(updates[0]!.type === 'exchange:updated' && updates[0]!.exchange.durationMs).toBe(9);
      exchange.durationMs = 42;
      store.progressed(exchange);
      vi.advanceTimersByTime(60);
      expect(events.filter((e) => e.type === 'exchange:updated')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports an exchange that finishes within the interval with exchange:finished alone', () => {
    vi.useFakeTimers();
    try {
      const exchange = makeExchange({ state: 'pending' });
      store.started(exchange);
      store.progressed(exchange);
      store.progressed(exchange);
      store.finished({ ...exchange, state: 'complete' });
      vi.advanceTimersByTime(200);
      expect(events.map((e) => e.type)).toEqual(['exchange:started', 'exchange:finished']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('evicts the oldest exchanges beyond the limit, with their bodies', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const exchange = makeExchange();
      ids.push(exchange.id);
      const capture = bodies.open();
      capture.write(Buffer.from(`body ${i}`));
      store.finished(exchange, { bodies: { response: await capture.end() } });
    }
    expect(store.size).toBe(3);
    expect(store.get(ids[0]!)).toBeUndefined();
    expect(store.storedBody(ids[0]!, 'response')).toBeUndefined();
    expect(store.list().map((e) => e.id)).toEqual(ids.slice(1));
    expect((await store.body(ids[3]!, 'response', false))?.base64).toBe(
      Buffer.from('body 3').toString('base64'),
    );
    // The evicted exchange's spilled body file is removed with it; the kept ones' stay.
    await new Promise((r) => setTimeout(r, 30));
    expect(fs.readdirSync(bodies.runDir).sort()).toEqual(['2.body', '3.body', '4.body']);
  });

  it('keeps evicting the oldest, in order, over thousands of exchanges, started and imported alike', () => {
    const ids: string[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const exchange = makeExchange({ state: 'pending' });
      ids.push(exchange.id);
      if (i % 2 === 0) {
        store.started(exchange);
        store.finished({ ...exchange, state: 'complete' }, { adopt: true });
      } else {
        store.imported([{ exchange }]);
      }
    }
    expect(store.list().map((e) => e.id)).toEqual(ids.slice(-3));
    store.clear();
    const after = makeExchange();
    store.finished(after);
    expect(store.list().map((e) => e.id)).toEqual([after.id]);
  });

  it('an exchange evicted while in flight is kept again, as the newest, when it finishes', () => {
    const slow = makeExchange({ state: 'pending' });
    store.started(slow);
    const others = [makeExchange(), makeExchange(), makeExchange()];
    for (const other of others) store.finished(other);
    expect(store.get(slow.id)).toBeUndefined();
    store.progressed(slow);
    expect(store.get(slow.id)).toBeUndefined();
    store.finished({ ...slow, state: 'complete' }, { adopt: true });
    expect(store.list().map((e) => e.id)).toEqual([others[1]!.id, others[2]!.id, slow.id]);
    expect(store.update(others[2]!.id, { traceId: 't' })?.traceId).toBe('t');
    expect(store.get(others[2]!.id)?.traceId).toBe('t');
    expect(store.size).toBe(3);
  });

  it('copies a moving exchange when read, and flushes its latest state', () => {
    vi.useFakeTimers();
    try {
      const exchange = makeExchange({ state: 'pending' });
      store.started(exchange);
      exchange.durationMs = 5;
      store.progressed(exchange);
      const read = store.get(exchange.id)!;
      expect(read.durationMs).toBe(5);
      exchange.durationMs = 7;
      expect(read.durationMs).toBe(5);
      vi.advanceTimersByTime(60);
      const updates = events.filter((e) => e.type === 'exchange:updated');
      expect(updates).toHaveLength(1);
      expect(updates[0]!.type === 'exchange:updated' && updates[0]!.exchange.durationMs).toBe(7);
      expect(store.get(exchange.id)!.durationMs).toBe(7);
    } finally {
      vi.useRealTimers();
    }
  });

  it('with nobody listening, keeps an exchange in progress live, copies it on read and emits nothing', () => {
    vi.useFakeTimers();
    let listening = false;
    const quiet = new ExchangeStore(bodies, (e) => events.push(e), {
      maxExchanges: 3,
      updateIntervalMs: 50,
      hasListeners: () => listening,
    });
    try {
      const exchange = makeExchange({ state: 'pending' });
      quiet.started(exchange);
      exchange.durationMs = 5;
      quiet.progressed(exchange);
      vi.advanceTimersByTime(60);
      expect(events).toEqual([]);
      const read = quiet.get(exchange.id)!;
      expect(read).not.toBe(exchange);
      expect(read.durationMs).toBe(5);
      exchange.durationMs = 7;
      expect(read.durationMs).toBe(5);
      expect(quiet.list().map((e) => e.durationMs)).toEqual([7]);
      // Someone subscribes: the exchange's next moves and its end are told.
      listening = true;
      exchange.durationMs = 8;
      quiet.progressed(exchange);
      vi.advanceTimersByTime(60);
      exchange.state = 'complete';
      quiet.finished(exchange, { adopt: true });
      expect(events.map((e) => e.type)).toEqual(['exchange:updated', 'exchange:finished']);
      expect(quiet.get(exchange.id)).toBe(exchange);
      expect(quiet.size).toBe(1);
    } finally {
      quiet.close();
      vi.useRealTimers();
    }
  });

  it('serves bodies decoded or raw, and null for unknown ids', async () => {
    const gz = zlib.gzipSync('payload');
    const exchange = makeExchange({
      response: {
        body: {
          sizeBytes: gz.length,
          capturedBytes: gz.length,
          truncated: false,
          contentEncoding: 'gzip',
          contentType: 'text/plain',
        },
      },
    });
    const capture = bodies.open();
    capture.write(gz);
    store.finished(exchange, { bodies: { response: await capture.end() } });
    const decoded = await store.body(exchange.id, 'response');
    expect(decoded).toMatchObject({
      decoded: true,
      truncated: false,
      contentType: 'text/plain',
      sizeBytes: gz.length,
    });
    expect(Buffer.from(decoded!.base64, 'base64').toString()).toBe('payload');
    const raw = await store.body(exchange.id, 'response', false);
    expect(Buffer.from(raw!.base64, 'base64')).toEqual(gz);
    expect(await store.body('nope', 'response')).toBeNull();
    expect(await store.body(exchange.id, 'request')).toBeNull();
  });

  it('update merges fields and emits exchange:updated; clear empties and emits exchanges:cleared', () => {
    const exchange = makeExchange();
    store.finished(exchange);
    const updated = store.update(exchange.id, { retry: { chainId: 'c', attempt: 2 } });
    expect(updated?.retry).toEqual({ chainId: 'c', attempt: 2 });
    expect(store.update('missing', {})).toBeUndefined();
    store.clear();
    expect(store.size).toBe(0);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['exchange:updated', 'exchanges:cleared']);
  });

  it('tells finish listeners, and survives a listener that throws', () => {
    const seen: string[] = [];
    store.onFinished(() => {
      throw new Error('analysis bug');
    });
    store.onFinished((e) => seen.push(e.id));
    const exchange = makeExchange();
    expect(() => store.finished(exchange)).not.toThrow();
    expect(seen).toEqual([exchange.id]);
  });
});
