import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { seriesColor } from '../chartColors';
import { renderClickableBar } from '../ClickableBar';
import type { OverviewCardProps } from '../overviewCard';
import { formatAxisCount } from '../../../format';

const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/** Exchanges per status code (and `error` for those without a response), with a chip per class. */
export function StatusCodesCard({ stats, applyFilter }: OverviewCardProps) {
  const data = stats.statusCodes.map((s) => ({ ...s, fill: seriesColor(s.statusClass) }));
  return (
    <>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="status" fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} width={40} tickFormatter={formatAxisCount} />
          <Tooltip />
          <Bar
            dataKey="count"
            name="exchanges"
            isAnimationActive={false}
            shape={(props) => {
              const { status, statusClass } = props.payload as { status: string; statusClass: string };
              return renderClickableBar(
                { ...props, fill: seriesColor(statusClass) },
                status === 'error' ? 'is:error' : `status:${status}`,
                applyFilter,
              );
            }}
          />
        </BarChart>
      </ResponsiveContainer>
      <div className="status-classes">
        {STATUS_CLASSES.map((cls) => {
          const count = stats.statusCodes
            .filter((s) => s.statusClass === cls)
            .reduce((n, s) => n + s.count, 0);
          return count === 0 ? null : (
            <button key={cls} type="button" className="chip" onClick={() => applyFilter(`status:${cls}`)}>
              <span className="swatch" style={{ background: seriesColor(cls) }} />
              {cls}: {count}
            </button>
          );
        })}
      </div>
    </>
  );
}
