import { describe, expect, it } from 'vitest';
import { minimapDensity, rowAtTime, rowNearestTime } from '@renderer/views/waterfall/waterfallMinimap';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

const T0 = Date.UTC(2026, 0, 1);
const list = [
  makeExchange({ startedAtMs: T0 }),
  makeExchange({ startedAtMs: T0 + 100 }),
  makeExchange({ startedAtMs: T0 + 5_000, status: 500 }),
  makeFailedExchange({ class: 'connect_refused' }, { startedAtMs: T0 + 9_999 }),
  makeExchange({ startedAtMs: T0 + 10_000 }),
];
const ids = list.map((e) => e.id);
const byId = new Map(list.map((e) => [e.id, e]));

describe('minimapDensity', () => {
  it('counts starts and failures per slice of the session, the last start in the last slice', () => {
    const density = minimapDensity(ids, byId, T0, 10_000, 4);
    expect([...density.counts]).toEqual([2, 0, 1, 2]);
    expect([...density.failed]).toEqual([0, 0, 1, 1]);
    expect(density.max).toBe(2);
  });
});

describe('rowAtTime', () => {
  it('finds the first row starting at or after a moment', () => {
    expect(rowAtTime(ids, byId, T0 - 1)).toBe(0);
    expect(rowAtTime(ids, byId, T0 + 50)).toBe(1);
    expect(rowAtTime(ids, byId, T0 + 5_000)).toBe(2);
    expect(rowAtTime(ids, byId, T0 + 20_000)).toBe(4);
    expect(rowAtTime([], byId, T0)).toBe(0);
  });
});

describe('rowNearestTime', () => {
  it('finds the row that started nearest a moment when rows are not in time order', () => {
    const shuffled = [ids[3]!, ids[0]!, ids[4]!, ids[2]!, ids[1]!];
    expect(rowNearestTime(shuffled, byId, T0 + 90)).toBe(4);
    expect(rowNearestTime(shuffled, byId, T0 + 4_000)).toBe(3);
    expect(rowNearestTime(shuffled, byId, T0 + 20_000)).toBe(2);
    expect(rowNearestTime([], byId, T0)).toBe(0);
  });
});

describe('rowsInView', () => {
  it('names the rows wholly visible under the axis, the last one at the bottom', async () => {
    const { rowsInView, AXIS_HEIGHT_PX, ROW_HEIGHT_PX } =
      await import('@renderer/views/waterfall/drawWaterfall');
    const count = 100_000;
    const heightPx = 424; // the axis and 20 rows
    expect(rowsInView(0, heightPx, count)).toEqual({ first: 0, last: 19 });
    // Scrolled to the bottom: scrollHeight − clientHeight.
    const bottom = AXIS_HEIGHT_PX + count * ROW_HEIGHT_PX - heightPx;
    expect(rowsInView(bottom, heightPx, count)).toEqual({ first: count - 20, last: count - 1 });
    // Half a row scrolled: the half-hidden one is not counted.
    expect(rowsInView(10, heightPx, count)).toEqual({ first: 1, last: 19 });
    expect(rowsInView(0, heightPx, 3)).toEqual({ first: 0, last: 2 });
    expect(rowsInView(0, heightPx, 0)).toEqual({ first: 0, last: -1 });
  });
});
