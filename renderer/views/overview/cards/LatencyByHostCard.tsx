import { formatDuration } from '../../../format';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Percentiles } from '../../../../shared/statistics';
import { TIMING_COLORS, TIMING_LABELS, TIMING_PHASES } from '../../../../shared/timing';

import { filterValue } from '../../traffic/filterValue';
import { renderClickableBar } from '../ClickableBar';
import type { OverviewCardProps } from '../overviewCard';

type Quantile = keyof Percentiles;

const HOSTS_SHOWN = 12;

/** Per host, each phase's percentile stacked, and a table of the totals' percentiles. */
export function LatencyByHostCard({ stats, applyFilter }: OverviewCardProps) {
  const [quantile, setQuantile] = useState<Quantile>('p95');
  const hosts = stats.latencyByHost.slice(0, HOSTS_SHOWN);
  const data = hosts.map((h) => {
    const row: Record<string, string | number> = { host: h.host || '(none)', count: h.count };
    for (const phase of TIMING_PHASES) {
      const p = h.phases[phase];
      if (p) row[phase] = Math.round(p[quantile] * 10) / 10;
    }
    return row;
  });
  const phasesPresent = TIMING_PHASES.filter((phase) => hosts.some((h) => h.phases[phase] !== undefined));
  return (
    <>
      <div className="segmented" role="group" aria-label="Percentile">
        {(['p50', 'p95', 'p99'] as const).map((q) => (
          <button key={q} type="button" aria-pressed={quantile === q} onClick={() => setQuantile(q)}>
            {q}
          </button>
        ))}
      </div>
      <p className="muted chart-hint">
        Each phase&apos;s {quantile} per host, stacked (so the bar is not the {quantile} of the total: the
        table below has that). Click a bar to filter by host.
      </p>
      <ResponsiveContainer width="100%" height={Math.max(160, 34 * data.length + 60)}>
        <BarChart data={data} layout="vertical" margin={{ left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" unit=" ms" fontSize={11} />
          <YAxis type="category" dataKey="host" width={140} fontSize={11} />
          <Tooltip />
          <Legend itemSorter={null} />
          {phasesPresent.map((phase) => (
            <Bar
              key={phase}
              dataKey={phase}
              name={TIMING_LABELS[phase]}
              stackId="phases"
              fill={TIMING_COLORS[phase]}
              isAnimationActive={false}
              shape={(props) =>
                renderClickableBar(
                  props,
                  `host:${filterValue(String((props.payload as { host: string }).host))}`,
                  applyFilter,
                )
              }
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <table className="overview-table" aria-label="Latency percentiles">
        <thead>
          <tr>
            <th>Host</th>
            <th className="num">n</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <tr key={h.host} onClick={() => applyFilter(`host:${filterValue(h.host)}`)} className="clickable">
              <td>{h.host}</td>
              <td className="num">{h.count}</td>
              <td className="num">{formatDuration(h.total.p50)}</td>
              <td className="num">{formatDuration(h.total.p95)}</td>
              <td className="num">{formatDuration(h.total.p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
