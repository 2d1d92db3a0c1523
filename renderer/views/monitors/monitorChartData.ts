/** Chart rows and summary figures of a monitor's samples. Pure, so it is tested without a DOM. */
import { uptimePercent, type MonitorSample } from '../../../shared/monitor';
import { percentile } from '../../../shared/percentile';
import type { TimingPhase } from '../../../shared/timing';

/** The phases a probe has (no `blocked`): the stacked series of the chart, bottom to top. */
export const CHART_PHASES: TimingPhase[] = ['dns', 'connect', 'ssl', 'send', 'wait', 'receive'];

export type ChartRow = { atMs: number; ok: boolean; durationMs: number } & Partial<
  Record<TimingPhase, number>
>;

export function chartRows(samples: readonly MonitorSample[]): ChartRow[] {
  return samples.map((s) => {
    const row: ChartRow = { atMs: s.atMs, ok: s.ok, durationMs: s.durationMs };
    for (const phase of CHART_PHASES) row[phase] = s.timings[phase] ?? 0;
    return row;
  });
}

export interface MonitorSummary {
  samples: number;
  failures: number;
  uptimePercent?: number;
  p50Ms?: number;
  p95Ms?: number;
  lastAtMs?: number;
}

/** Percentiles are of successful samples: a timeout's duration is the timeout, not latency. */
export function monitorSummary(samples: readonly MonitorSample[]): MonitorSummary {
  const okDurations = samples.filter((s) => s.ok).map((s) => s.durationMs);
  const summary: MonitorSummary = { samples: samples.length, failures: samples.length - okDurations.length };
  const uptime = uptimePercent(samples);
  if (uptime !== undefined) summary.uptimePercent = uptime;
  const p50 = percentile(okDurations, 50);
  const p95 = percentile(okDurations, 95);
  if (p50 !== undefined) summary.p50Ms = p50;
  if (p95 !== undefined) summary.p95Ms = p95;
  const last = samples[samples.length - 1];
  if (last) summary.lastAtMs = last.atMs;
  return summary;
}
