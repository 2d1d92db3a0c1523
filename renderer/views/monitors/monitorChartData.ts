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

/**
 * Past this many markers on one chart they overprint into a band that says nothing: the markers
 * are thinned evenly (the area, the percentiles and the tooltip still use every sample).
 */
export const MAX_MARKERS = 150;

/** `count` items spread evenly over `items`, its first and last included. */
function evenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count <= 0) return [];
  if (count === 1) return [items[items.length - 1]!];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}

/**
 * The markers drawn: every sample while they fit, else thinned with failures first (they are what
 * a user looks for), passed samples keeping at least a fifth of the room so a failing stretch
 * never hides that others passed.
 */
export function markerRows(
  rows: readonly ChartRow[],
  maxMarkers = MAX_MARKERS,
): { passed: ChartRow[]; failed: ChartRow[] } {
  const passed = rows.filter((r) => r.ok);
  const failed = rows.filter((r) => !r.ok);
  if (rows.length <= maxMarkers) return { passed, failed };
  const passedRoom = Math.min(
    passed.length,
    Math.max(Math.floor(maxMarkers / 5), maxMarkers - failed.length),
  );
  return { passed: evenly(passed, passedRoom), failed: evenly(failed, maxMarkers - passedRoom) };
}
