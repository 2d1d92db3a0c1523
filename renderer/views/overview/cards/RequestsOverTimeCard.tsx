import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { filterForSeries } from '../../../../shared/statistics';

import { seriesColor } from '../chartColors';
import { renderClickableBar } from '../ClickableBar';
import type { OverviewCardProps } from '../overviewCard';
import { formatAxisCount, formatDuration } from '../../../format';

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Requests per time bucket: successes, then errors stacked by class. */
export function RequestsOverTimeCard({ stats, applyFilter }: OverviewCardProps) {
  const data = stats.buckets.map((b) => ({ t: clock(b.startMs), ok: b.ok, ...b.errors }));
  return (
    <>
      <p className="muted chart-hint">
        Per {formatDuration(stats.bucketMs)}; errors stacked by class. Click a segment to filter the traffic.
      </p>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" fontSize={11} minTickGap={24} />
          <YAxis allowDecimals={false} fontSize={11} width={40} tickFormatter={formatAxisCount} />
          <Tooltip />
          <Legend itemSorter={null} />
          <Bar
            dataKey="ok"
            name="ok"
            stackId="a"
            fill={seriesColor('ok')}
            isAnimationActive={false}
            shape={(props) => renderClickableBar(props, filterForSeries('ok'), applyFilter)}
          />
          {stats.errorSeries.map((series, i) => (
            <Bar
              key={series}
              dataKey={series}
              name={series}
              stackId="a"
              fill={seriesColor(series, i)}
              isAnimationActive={false}
              shape={(props) => renderClickableBar(props, filterForSeries(series), applyFilter)}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </>
  );
}
