import { describe, expect, it } from 'vitest';
import { chartRows, monitorSummary } from '@renderer/views/monitors/monitorChartData';
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
