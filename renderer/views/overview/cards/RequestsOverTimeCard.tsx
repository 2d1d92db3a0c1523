import { useLayoutEffect, useRef, useState } from 'react';
import { filterForSeries } from '../../../../shared/statistics';

import { isStatusSeries, seriesColor } from '../chartColors';
import { renderClickableBar } from '../ClickableBar';
import type { OverviewCardProps } from '../overviewCard';
import { formatAxisCount, formatDuration } from '../../../format';

const HEIGHT_PX = 240;
const AXIS_LEFT_PX = 40;
const AXIS_BOTTOM_PX = 20;
const TOP_PX = 8;
/** Before the first measurement (and where nothing measures, as in tests). */
const DEFAULT_WIDTH_PX = 600;
/** The time labels' minimum spacing, so `12:00:05` never overlaps its neighbour. */
const MIN_LABEL_GAP_PX = 64;
/** About half a `12:00:05` label's width: the last label stays inside the chart. */
const HALF_LABEL_PX = 26;

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A round top for the count axis (1, 2, 2.5 or 5 times a power of ten) and its step. */
function countAxis(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw && Number.isInteger(s)) ?? 10 * power;
  return { top: Math.ceil(max / step) * step, step };
}

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH_PX);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      if (el.clientWidth > 0) setWidth(el.clientWidth);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * Requests per time bucket: successes, then errors stacked by class. Drawn as plain SVG (a
 * hundred-odd rectangles): Recharts took 300+ ms of one task to mount this chart at 60 buckets
 * and four series, the longest task of opening the Overview.
 */
export function RequestsOverTimeCard({ stats, applyFilter }: OverviewCardProps) {
  const [ref, widthPx] = useWidth();
  const series = ['ok', ...stats.errorSeries];
  // Error classes take the shades of red in order, whatever 4xx/5xx series come between them.
  let errorIndex = 0;
  const colors = series.map((name) => seriesColor(name, isStatusSeries(name) ? 0 : errorIndex++));
  const countOf = (bucket: (typeof stats.buckets)[number], name: string) =>
    name === 'ok' ? bucket.ok : (bucket.errors[name] ?? 0);
  let max = 0;
  for (const bucket of stats.buckets) {
    let sum = 0;
    for (const name of series) sum += countOf(bucket, name);
    if (sum > max) max = sum;
  }
  const axis = countAxis(max);
  const plotWidth = Math.max(1, widthPx - AXIS_LEFT_PX);
  const plotHeight = HEIGHT_PX - AXIS_BOTTOM_PX - TOP_PX;
  const slot = plotWidth / Math.max(1, stats.buckets.length);
  const barWidth = Math.max(1, slot * 0.8);
  const yOf = (count: number) => TOP_PX + plotHeight - (count / axis.top) * plotHeight;
  const labelEvery = Math.max(1, Math.ceil(MIN_LABEL_GAP_PX / slot));
  const ticks: number[] = [];
  for (let v = 0; v <= axis.top; v += axis.step) ticks.push(v);

  return (
    <>
      <p className="muted chart-hint">
        Per {formatDuration(stats.bucketMs)}; errors stacked by class. Click a segment to filter the traffic.
      </p>
      <div ref={ref} className="requests-chart">
        <svg width={widthPx} height={HEIGHT_PX} role="img" aria-label="Requests and errors over time">
          {ticks.map((v) => (
            <g key={v}>
              <line
                x1={AXIS_LEFT_PX}
                x2={widthPx}
                y1={yOf(v)}
                y2={yOf(v)}
                className="chart-grid"
                strokeDasharray={v === 0 ? undefined : '3 3'}
              />
              <text
                x={AXIS_LEFT_PX - 4}
                y={yOf(v)}
                className="chart-tick"
                textAnchor="end"
                dominantBaseline="middle"
              >
                {formatAxisCount(v)}
              </text>
            </g>
          ))}
          {stats.buckets.map((bucket, i) => {
            const x = AXIS_LEFT_PX + i * slot + (slot - barWidth) / 2;
            const label = clock(bucket.startMs);
            let below = 0;
            return (
              <g key={bucket.startMs}>
                {series.map((name, s) => {
                  const count = countOf(bucket, name);
                  if (count === 0) return null;
                  const y = yOf(below + count);
                  const height = yOf(below) - y;
                  below += count;
                  return (
                    <g key={name}>
                      {renderClickableBar(
                        { x, y, width: barWidth, height, fill: colors[s] },
                        filterForSeries(name),
                        applyFilter,
                        `${label} · ${name}: ${count}`,
                      )}
                    </g>
                  );
                })}
                {i % labelEvery === 0 && (
                  <text
                    x={Math.min(x + barWidth / 2, widthPx - HALF_LABEL_PX)}
                    y={HEIGHT_PX - 4}
                    className="chart-tick"
                    textAnchor="middle"
                  >
                    {label}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <ul className="chart-legend" aria-label="Series">
        {series.map((name, s) => (
          <li key={name}>
            <span className="chart-swatch" style={{ background: colors[s] }} />
            {name}
          </li>
        ))}
      </ul>
    </>
  );
}
