/**
 * Latency over time, split by phase (stacked areas in the waterfall's colours), with a marker
 * per sample — a green dot when the check passed, a red cross when it failed, thinned when dense —
 * and p50/p95 lines.
 */
import {
  Area,
  CartesianGrid,
  ComposedChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MonitorSample } from '../../../shared/monitor';
import { TIMING_COLORS, TIMING_LABELS } from '../../../shared/timing';
import { formatClock, formatDuration } from '../../format';
import { CHART_PHASES, chartRows, markerRows, type ChartRow, type MonitorSummary } from './monitorChartData';

const FAIL_COLOR = '#c62828';
const OK_COLOR = '#2e7d32';

type Verdict = 'passed' | 'failed';

/**
 * One shape per meaning, in the plot and in its legend alike (the legend draws this very
 * component): a dot for a passed check, a cross for a failed one, so they differ without colour.
 */
function VerdictMarker({ verdict, cx, cy }: { verdict: Verdict; cx: number; cy: number }) {
  if (verdict === 'passed') return <circle data-marker="passed" cx={cx} cy={cy} r={3.5} fill={OK_COLOR} />;
  return (
    <path
      data-marker="failed"
      d={`M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}`}
      stroke={FAIL_COLOR}
      strokeWidth={2}
      fill="none"
    />
  );
}

function markerShape(verdict: Verdict) {
  return function Marker(props: { cx?: number; cy?: number }) {
    return <VerdictMarker verdict={verdict} cx={props.cx ?? 0} cy={props.cy ?? 0} />;
  };
}
const PASSED_SHAPE = markerShape('passed');
const FAILED_SHAPE = markerShape('failed');

/** Tick steps a clock reads at a glance: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h... */
const TICK_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400,
].map((s) => s * 1000);

/**
 * Time ticks at round clock values (every 10 s, every 5 min...), at most six; recharts' own would
 * repeat when the series have different data.
 */
function timeTicks(first: number, last: number): number[] {
  if (last <= first) return [first];
  const step = TICK_STEPS_MS.find((s) => (last - first) / s <= 5) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  return ticks.length > 0 ? ticks : [first];
}

function clock(ms: number): string {
  return formatClock(ms).slice(0, 8);
}

/** One sample: its time, verdict, total and the phases it spent time in. */
function SampleTooltip({
  active,
  payload,
}: {
  active?: boolean;
  payload?: readonly { payload?: unknown }[];
}) {
  const row = payload?.[0]?.payload as ChartRow | undefined;
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip">
      <div>
        <strong>{formatClock(row.atMs)}</strong> · {row.ok ? 'passed' : 'failed'} ·{' '}
        {formatDuration(row.durationMs)}
      </div>
      {CHART_PHASES.filter((phase) => (row[phase] ?? 0) > 0).map((phase) => (
        <div key={phase}>
          <span className="phase-swatch" style={{ background: TIMING_COLORS[phase] }} />
          {TIMING_LABELS[phase]} {formatDuration(row[phase])}
        </div>
      ))}
    </div>
  );
}

export function MonitorChart({ samples, summary }: { samples: MonitorSample[]; summary: MonitorSummary }) {
  if (samples.length === 0)
    return <p className="muted">No samples yet: the first check runs right after saving.</p>;
  const rows = chartRows(samples);
  const first = rows[0]!.atMs;
  const last = rows[rows.length - 1]!.atMs;
  const markers = markerRows(rows);
  const thinned = markers.passed.length + markers.failed.length < rows.length;
  return (
    <div className="monitor-chart" data-testid="monitor-chart">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={rows} margin={{ top: 8, right: 36, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis
            dataKey="atMs"
            type="number"
            domain={[first, last]}
            ticks={timeTicks(first, last)}
            tickFormatter={clock}
            stroke="var(--fg-muted)"
            fontSize={11}
            // Room for half a clock label at each end, clear of the y axis's labels.
            padding={{ left: 28, right: 8 }}
          />
          <YAxis
            tickFormatter={(v: number) => formatDuration(v)}
            stroke="var(--fg-muted)"
            fontSize={11}
            width={64}
          />
          <Tooltip content={<SampleTooltip />} />
          {CHART_PHASES.map((phase) => (
            <Area
              key={phase}
              type="linear"
              dataKey={phase}
              name={TIMING_LABELS[phase]}
              stackId="phases"
              stroke={TIMING_COLORS[phase]}
              fill={TIMING_COLORS[phase]}
              fillOpacity={0.55}
              isAnimationActive={false}
            />
          ))}
          <Scatter
            data={markers.passed}
            dataKey="durationMs"
            name="passed"
            fill={OK_COLOR}
            shape={PASSED_SHAPE}
            isAnimationActive={false}
          />
          <Scatter
            data={markers.failed}
            dataKey="durationMs"
            name="failed"
            fill={FAIL_COLOR}
            shape={FAILED_SHAPE}
            isAnimationActive={false}
          />
          {summary.p50Ms !== undefined ? (
            <ReferenceLine
              y={summary.p50Ms}
              stroke="var(--fg-muted)"
              strokeDasharray="4 4"
              label={{ value: 'p50', position: 'right', fontSize: 10 }}
            />
          ) : null}
          {summary.p95Ms !== undefined ? (
            <ReferenceLine
              y={summary.p95Ms}
              stroke={FAIL_COLOR}
              strokeDasharray="4 4"
              label={{ value: 'p95', position: 'right', fontSize: 10 }}
            />
          ) : null}
        </ComposedChart>
      </ResponsiveContainer>
      <ul className="phase-legend">
        {CHART_PHASES.map((phase) => (
          <li key={phase}>
            <span className="phase-swatch" style={{ background: TIMING_COLORS[phase] }} />
            {TIMING_LABELS[phase]}
          </li>
        ))}
        {(['passed', 'failed'] as const).map((verdict) => (
          <li key={verdict} data-legend={verdict}>
            <svg className="marker-swatch" width={10} height={10} aria-hidden="true">
              <VerdictMarker verdict={verdict} cx={5} cy={5} />
            </svg>
            {verdict}
          </li>
        ))}
        {thinned ? (
          <li className="muted">
            {markers.passed.length + markers.failed.length} of {rows.length} samples marked
          </li>
        ) : null}
      </ul>
    </div>
  );
}
