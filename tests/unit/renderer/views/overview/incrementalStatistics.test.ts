import { describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import { computeStatistics } from '@shared/statistics.js';
import { IncrementalStatistics, type StatisticsInput } from '@renderer/views/overview/incrementalStatistics';
import { makeExchange } from '@fixtures/exchangeFactory.js';

const T0 = Date.UTC(2026, 0, 1);

function exchanges(from: number, count: number, extra: Partial<Exchange> = {}): Exchange[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return makeExchange({
      url: `http://a.test/items/${i}`,
      startedAtMs: T0 + i * 100,
      durationMs: 10 + (i % 90),
      status: i % 10 === 0 ? 500 : 200,
      ...extra,
    });
  });
}

function inputOf(list: Exchange[], extra: Partial<StatisticsInput> = {}): StatisticsInput {
  return {
    ids: list.map((e) => e.id),
    byId: new Map(list.map((e) => [e.id, e])),
    predicateKey: 'all',
    ...extra,
  };
}

/** A clock that moves 1 ms per reading: a budget of N ms lets about N readings through. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

describe('IncrementalStatistics', () => {
  it('folds a large set in slices, shows nothing partial, then equals computeStatistics', () => {
    const list = exchanges(0, 5000);
    const input = inputOf(list);
    const stats = new IncrementalStatistics();
    const clock = tickingClock();
    let steps = 1;
    while (!stats.step(input, 3, clock)) {
      expect(stats.stats).toBeUndefined();
      expect(stats.progress(input)!.done).toBeLessThan(5000);
      steps += 1;
      expect(steps).toBeLessThan(100);
    }
    expect(steps).toBeGreaterThan(1);
    expect(stats.progress(input)).toBeUndefined();
    expect(stats.stats).toEqual(computeStatistics(list));
  });

  it('folds in only what is new, and a pending exchange once it finishes', () => {
    const list = exchanges(0, 100);
    const stats = new IncrementalStatistics();
    expect(stats.step(inputOf(list), 50)).toBe(true);
    const [pending] = exchanges(100, 1, { state: 'pending', durationMs: undefined });
    const grown = [...list, pending!, ...exchanges(101, 20)];
    expect(stats.step(inputOf(grown), 50)).toBe(true);
    expect(stats.stats).toEqual(computeStatistics(grown));
    const finished = { ...pending!, state: 'complete' as const, durationMs: 42 };
    const done = grown.map((e) => (e.id === finished.id ? finished : e));
    expect(stats.step(inputOf(done), 50)).toBe(true);
    expect(stats.stats).toEqual(computeStatistics(done));
  });

  it('absorbs a few dropped exchanges, and rebuilds once many of them are gone', () => {
    const list = exchanges(0, 1000);
    const stats = new IncrementalStatistics();
    stats.step(inputOf(list), 50);
    // 5 % dropped from the front, 5 new: still the old totals plus the new ones.
    const small = [...list.slice(50), ...exchanges(1000, 50)];
    stats.step(inputOf(small), 50);
    expect(stats.stats!.total).toBe(1050);
    // Past 10 % dropped: folded afresh, exactly the set in the store.
    const large = [...list.slice(300), ...exchanges(1000, 300)];
    while (!stats.step(inputOf(large), 50));
    expect(stats.stats).toEqual(computeStatistics(large));
  });

  it('starts afresh for another filter', () => {
    const list = exchanges(0, 200);
    const stats = new IncrementalStatistics();
    stats.step(inputOf(list), 50);
    const failedOnly = (e: Exchange) => (e.response?.status ?? 0) >= 500;
    stats.step(inputOf(list, { predicate: failedOnly, predicateKey: 'filter:status:5xx' }), 50);
    expect(stats.stats).toEqual(computeStatistics(list.filter(failedOnly)));
    expect(stats.stats!.total).toBe(20);
  });

  it('keeps its summary when nothing changed, and tells which set it summarises', () => {
    const list = exchanges(0, 300);
    const input = inputOf(list);
    const stats = new IncrementalStatistics();
    expect(stats.step(input, 1_000)).toBe(true);
    const first = stats.stats;
    expect(stats.statsFor('all')).toBe(first);
    expect(stats.statsFor('filter:host:a.test')).toBeUndefined();
    // The view reopened with the same exchanges: the same summary, not a new one.
    expect(stats.step({ ...input }, 1_000)).toBe(true);
    expect(stats.stats).toBe(first);
    // One more exchange: a new summary that counts it.
    const more = [...list, ...exchanges(300, 1)];
    expect(stats.step(inputOf(more), 1_000)).toBe(true);
    expect(stats.stats).not.toBe(first);
    expect(stats.stats!.total).toBe(301);
  });
});
