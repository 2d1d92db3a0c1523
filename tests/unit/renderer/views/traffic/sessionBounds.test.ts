import { describe, expect, it } from 'vitest';
import { niceCeilMs, roundedBounds, timeBounds } from '@renderer/views/traffic/sessionBounds';
import { makeExchange } from '@fixtures/exchangeFactory';

describe('session bounds', () => {
  it('spans first start to last end; a pending exchange counts at its start', () => {
    const a = makeExchange({ startedAtMs: 1000, durationMs: 50 });
    const b = makeExchange({ startedAtMs: 1010, durationMs: 500 });
    const pending = makeExchange({ startedAtMs: 2000, durationMs: undefined, state: 'pending' });
    const byId = new Map([a, b, pending].map((e) => [e.id, e]));
    expect(timeBounds([a.id, b.id, pending.id], byId)).toEqual({ startMs: 1000, endMs: 2000 });
    expect(timeBounds([], byId)).toBeUndefined();
  });

  it('rounds the span up to 1, 2 or 5 × 10^k so growing traffic rarely changes it', () => {
    expect(niceCeilMs(0.3)).toBe(1);
    expect(niceCeilMs(1.5)).toBe(2);
    expect(niceCeilMs(3)).toBe(5);
    expect(niceCeilMs(7)).toBe(10);
    expect(niceCeilMs(100)).toBe(100);
    expect(niceCeilMs(101)).toBe(200);
    expect(roundedBounds({ startMs: 5000, endMs: 5340 })).toEqual({ startMs: 5000, endMs: 5500 });
    expect(roundedBounds(undefined)).toBeUndefined();
  });
});
