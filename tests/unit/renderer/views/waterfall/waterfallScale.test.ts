import { describe, expect, it } from 'vitest';
import {
  fitViewport,
  formatTick,
  msToX,
  panBy,
  ticks,
  xToMs,
  zoomAnchorPx,
  zoomAt,
} from '@renderer/views/waterfall/waterfallScale';

describe('waterfall scale', () => {
  it('fits the span to the width with a small margin', () => {
    const v = fitViewport(1000, 500);
    expect(v.startMs).toBe(0);
    expect(msToX(v, 1000)).toBeLessThan(500);
    expect(msToX(v, 1000)).toBeGreaterThan(480);
  });

  it('zooms around the anchor, keeping the time under it in place', () => {
    const v = { startMs: 100, msPerPx: 2 };
    const anchorMs = xToMs(v, 250);
    const zoomed = zoomAt(v, 4, 250);
    expect(zoomed.msPerPx).toBe(0.5);
    expect(xToMs(zoomed, 250)).toBeCloseTo(anchorMs);
  });

  it('pans: dragging right shows earlier times', () => {
    expect(panBy({ startMs: 100, msPerPx: 2 }, 10).startMs).toBe(80);
  });

  it('puts round ticks at least 80 px apart', () => {
    const v = { startMs: 0, msPerPx: 10 };
    const { stepMs, offsetsMs } = ticks(v, 1000);
    expect(stepMs).toBe(1000);
    expect(offsetsMs).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    expect(formatTick(1500, 500)).toBe('1500 ms');
    expect(formatTick(3000, 1000)).toBe('3.0 s');
  });
});

describe('axis labels past a minute', () => {
  it('read as clock time from the session start, short enough for the gap between ticks', async () => {
    const { formatTick: format } = await import('@renderer/views/waterfall/waterfallScale');
    expect(format(754_000, 1000)).toBe('12:34');
    expect(format(3_723_500, 500)).toBe('1:02:03.5');
    expect(format(65_000, 5000)).toBe('1:05');
    expect(format(59_000, 1000)).toBe('59.0 s');
    // Zoomed in far into a session: as many decimals as the step needs.
    expect(format(999_650, 50)).toBe('16:39.65');
    expect(format(120_005, 5)).toBe('2:00.005');
    // Below a millisecond per step, ms say it better.
    expect(format(120_000.5, 0.5)).toBe('120000.5 ms');
  });
});

describe('fitRange', () => {
  it('spreads a range over the width with 2 % of room on each side', async () => {
    const { fitRange, msToX } = await import('@renderer/views/waterfall/waterfallScale');
    const viewport = fitRange(1_000_000, 1_001_000, 1040);
    expect(viewport.msPerPx).toBeCloseTo(1);
    expect(msToX(viewport, 1_000_000)).toBeCloseTo(20);
    expect(msToX(viewport, 1_001_000)).toBeCloseTo(1020);
  });
});

describe('zoomAnchorPx (the + / − buttons)', () => {
  const viewport = { startMs: 0, msPerPx: 1 };

  it('zooms around the middle of the focused bar, so it stays where it is', () => {
    const anchor = zoomAnchorPx(viewport, 1000, { startMs: 100, endMs: 200 });
    expect(anchor).toBe(150);
    const zoomed = zoomAt(viewport, 2, anchor);
    expect(msToX(zoomed, 150)).toBeCloseTo(150, 9);
    expect(msToX(zoomed, 100)).toBeCloseTo(50, 9);
  });

  it('uses the part of the bar on screen, and the nearest edge when the bar is off screen', () => {
    expect(zoomAnchorPx(viewport, 1000, { startMs: 900, endMs: 3000 })).toBe(950);
    expect(zoomAnchorPx(viewport, 1000, { startMs: -500, endMs: -100 })).toBe(0);
    expect(zoomAnchorPx(viewport, 1000, { startMs: 1500, endMs: 1600 })).toBe(1000);
  });

  it('falls back to the middle of the timeline with nothing to keep in view', () => {
    expect(zoomAnchorPx(viewport, 1000, undefined)).toBe(500);
  });
});
