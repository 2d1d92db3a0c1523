import { describe, expect, it } from 'vitest';
import {
  chartRows,
  markerRows,
  monitorSummary,
  type ChartRow,
} from '@renderer/views/monitors/monitorChartData';
import type { MonitorSample } from '@shared/monitor';

function sample(atMs: number, ok: boolean, durationMs: number): MonitorSample {
  return {
    monitorId: 'm',
    atMs,
    ok,
    state: ok ? 'up' : 'down',
    durationMs,
    timings: { connect: 1, wait: durationMs - 1 },
  };
}

describe('monitor chart data', () => {
  it('gives one row per sample with every phase (0 where absent)', () => {
    expect(chartRows([sample(10, true, 5)])).toEqual([
      { atMs: 10, ok: true, durationMs: 5, dns: 0, connect: 1, ssl: 0, send: 0, wait: 4, receive: 0 },
    ]);
  });

  it('summarises uptime over all samples and percentiles over the passing ones', () => {
    const samples = [sample(1, true, 10), sample(2, true, 20), sample(3, false, 5000), sample(4, true, 30)];
    expect(monitorSummary(samples)).toEqual({
      samples: 4,
      failures: 1,
      uptimePercent: 75,
      p50Ms: 20,
      p95Ms: 30,
      lastAtMs: 4,
    });
    expect(monitorSummary([])).toEqual({ samples: 0, failures: 0 });
  });
});

describe('markerRows: markers thinned when dense', () => {
  const row = (i: number, ok: boolean): ChartRow => ({ atMs: i * 1000, ok, durationMs: 10 });

  it('marks every sample while they fit', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i, i % 4 !== 0));
    const { passed, failed } = markerRows(rows, 50);
    expect(passed).toHaveLength(30);
    expect(failed).toHaveLength(10);
    expect(failed.every((r) => !r.ok) && passed.every((r) => r.ok)).toBe(true);
  });

  it('thins evenly past the limit, first and last kept, failures first', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(i, i % 10 !== 0));
    const { passed, failed } = markerRows(rows, 150);
    expect(passed.length + failed.length).toBe(150);
    expect(failed).toHaveLength(100);
    expect(passed).toHaveLength(50);
    expect(passed[0]).toBe(rows[1]);
    expect(passed[passed.length - 1]).toBe(rows[999]);
    // Evenly: no gap between two kept passed samples is more than twice the average.
    const gaps = passed.slice(1).map((r, i) => r.atMs - passed[i]!.atMs);
    expect(Math.max(...gaps)).toBeLessThanOrEqual((2 * (999_000 - 1000)) / 49);
  });

  it('keeps a fifth of the room for passed samples when failures alone would fill it', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(i, i % 2 === 0));
    const { passed, failed } = markerRows(rows, 150);
    expect(passed).toHaveLength(30);
    expect(failed).toHaveLength(120);
  });
});
