import { filterForSeries } from '../../../../shared/statistics';
import type { OverviewCardProps } from '../overviewCard';

/** The most frequent failures: NetLens errors by class and message shape, HTTP failures by status. */
export function TopErrorsCard({ stats, applyFilter }: OverviewCardProps) {
  if (stats.topErrors.length === 0) return <p className="muted">No errors.</p>;
  return (
    <table className="overview-table" aria-label="Top error messages">
      <thead>
        <tr>
          <th className="num">n</th>
          <th>Class</th>
          <th>Message</th>
          <th>Hosts</th>
        </tr>
      </thead>
      <tbody>
        {stats.topErrors.map((e) => (
          <tr
            key={`${e.kind}-${e.errorClass ?? e.status}-${e.exampleId}`}
            className="clickable"
            onClick={() =>
              applyFilter(e.kind === 'error' ? filterForSeries(e.errorClass!) : `status:${e.status}`)
            }
          >
            <td className="num">{e.count}</td>
            <td className="mono">{e.errorClass ?? e.status}</td>
            <td>{e.message}</td>
            <td className="muted">{e.hosts.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
