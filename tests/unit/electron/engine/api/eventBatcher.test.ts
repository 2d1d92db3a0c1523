import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventBatcher } from '@engine/api/eventBatcher.js';
import type { EngineEvent } from '@shared/api.js';
import { makeExchange } from '@fixtures/exchangeFactory.js';

describe('createEventBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(options: { flushIntervalMs?: number; maxBatchSize?: number } = {}) {
    const batches: EngineEvent[][] = [];
    const batcher = createEventBatcher((events) => batches.push(events), options);
    return { batches, batcher };
  }

  it('delivers one batch ~50 ms after the first event', () => {
    const { batches, batcher } = setup();
    batcher.push({ type: 'capture:changed', capturing: false });
    vi.advanceTimersByTime(30);
    batcher.push({ type: 'notice', level: 'info', message: 'hello' });
    vi.advanceTimersByTime(19);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([
      [
        { type: 'capture:changed', capturing: false },
        { type: 'notice', level: 'info', message: 'hello' },
      ],
    ]);
    vi.advanceTimersByTime(500);
    expect(batches).toHaveLength(1);
  });

  it('flushes at once when a batch reaches N events', () => {
    const { batches, batcher } = setup({ maxBatchSize: 500 });
    for (let i = 0; i < 1200; i += 1) {
      batcher.push({ type: 'exchange:finished', exchange: makeExchange() });
    }
    expect(batches.map((b) => b.length)).toEqual([500, 500]);
    vi.advanceTimersByTime(50);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
  });

  it('coalesces repeated updates of one exchange into its latest snapshot', () => {
    const { batches, batcher } = setup();
    const a1 = makeExchange({ state: 'pending' });
    const b1 = makeExchange({ state: 'pending' });
    batcher.push({ type: 'exchange:updated', exchange: a1 });
    batcher.push({ type: 'exchange:updated', exchange: b1 });
    const a2 = { ...a1, durationMs: 5 };
    const a3 = { ...a1, durationMs: 9 };
    batcher.push({ type: 'exchange:updated', exchange: a2 });
    batcher.push({ type: 'exchange:updated', exchange: a3 });
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([
      [
        { type: 'exchange:updated', exchange: a3 },
        { type: 'exchange:updated', exchange: b1 },
      ],
    ]);
  });

  it('sends an exchange that started and finished within the batch once, as finished, where it started', () => {
    const { batches, batcher } = setup();
    const pending = makeExchange({ state: 'pending' });
    const mid = { ...pending, durationMs: 3 };
    const done = { ...pending, state: 'complete' as const, durationMs: 10 };
    const other = makeExchange({ state: 'pending' });
    batcher.push({ type: 'exchange:started', exchange: pending });
    batcher.push({ type: 'exchange:started', exchange: other });
    batcher.push({ type: 'exchange:updated', exchange: mid });
    batcher.push({ type: 'exchange:finished', exchange: done });
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([
      [
        { type: 'exchange:finished', exchange: done },
        { type: 'exchange:started', exchange: other },
      ],
    ]);
  });

  it('replaces a pending update by the finished event and folds later updates into it', () => {
    const { batches, batcher } = setup();
    const x = makeExchange({ state: 'pending' });
    const done = { ...x, state: 'complete' as const };
    const analysed = { ...done, traceId: 'abc' };
    batcher.push({ type: 'exchange:updated', exchange: x });
    batcher.push({ type: 'exchange:finished', exchange: done });
    batcher.push({ type: 'exchange:updated', exchange: analysed });
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([[{ type: 'exchange:finished', exchange: analysed }]]);
  });

  it('does not move snapshots across exchanges:cleared', () => {
    const { batches, batcher } = setup();
    const x = makeExchange();
    const x2 = { ...x, durationMs: 99 };
    batcher.push({ type: 'exchange:updated', exchange: x });
    batcher.push({ type: 'exchanges:cleared' });
    batcher.push({ type: 'exchange:updated', exchange: x2 });
    vi.advanceTimersByTime(50);
    expect(batches[0]!.map((e) => e.type)).toEqual([
      'exchange:updated',
      'exchanges:cleared',
      'exchange:updated',
    ]);
    expect(batches[0]![2]).toEqual({ type: 'exchange:updated', exchange: x2 });
  });

  it('keeps going when a delivery throws, and close() flushes then ignores later events', () => {
    const errors: unknown[] = [];
    let calls = 0;
    const batcher = createEventBatcher(
      () => {
        calls += 1;
        throw new Error('renderer gone');
      },
      { onDeliverError: (e) => errors.push(e) },
    );
    batcher.push({ type: 'exchanges:cleared' });
    vi.advanceTimersByTime(50);
    batcher.push({ type: 'exchanges:cleared' });
    batcher.close();
    batcher.push({ type: 'exchanges:cleared' });
    vi.advanceTimersByTime(100);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
    expect(batcher.pendingCount).toBe(0);
  });
});
