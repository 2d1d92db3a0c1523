import { describe, expect, it } from 'vitest';
import { exchangeTimeMs, timingRanges, totalTimeMs } from '@shared/timing.js';

describe('timingRanges', () => {
  it('lays phases end to end in order, skipping phases that did not happen', () => {
    const ranges = timingRanges({
      blocked: 1,
      dns: undefined,
      connect: -1,
      ssl: 4,
      send: 0.5,
      wait: 10,
      receive: 2,
    });
    expect(ranges).toEqual([
      { phase: 'blocked', startMs: 0, endMs: 1 },
      { phase: 'ssl', startMs: 1, endMs: 5 },
      { phase: 'send', startMs: 5, endMs: 5.5 },
      { phase: 'wait', startMs: 5.5, endMs: 15.5 },
      { phase: 'receive', startMs: 15.5, endMs: 17.5 },
    ]);
  });

  it('totals to the sum of the phases that happened', () => {
    expect(totalTimeMs({ dns: 2, connect: 3, send: 1, wait: 4, receive: 5 })).toBe(15);
    expect(totalTimeMs({})).toBe(0);
  });
});

describe('exchangeTimeMs', () => {
  it('is the exchange duration, for a failure too (one number in every view)', () => {
    expect(exchangeTimeMs({ durationMs: 5.6, error: { elapsedMs: 4.4 }, timings: { connect: 5.2 } })).toBe(
      5.6,
    );
  });
  it('falls back to the failure time, then the phases, for an imported entry without one', () => {
    expect(exchangeTimeMs({ error: { elapsedMs: 4.4 }, timings: { connect: 5.2 } })).toBe(4.4);
    expect(exchangeTimeMs({ timings: { connect: 2, wait: 3 } })).toBe(5);
    expect(exchangeTimeMs({ timings: {} })).toBeUndefined();
  });
});
