import type { OverviewCardProps } from '../overviewCard';
import { formatBytes } from '../../../../shared/format';

/** The largest response bodies (bytes on the wire); a row opens its exchange. */
export function LargestResponsesCard({ stats, openExchange }: OverviewCardProps) {
  return (
    <table className="overview-table" aria-label="Largest responses">
      <thead>
        <tr>
          <th>URL</th>
          <th>Type</th>
          <th className="num">Size</th>
        </tr>
      </thead>
      <tbody>
        {stats.largestResponses.map((r) => (
          <tr key={r.id} className="clickable" onClick={() => openExchange(r.id)}>
            <td className="mono ellipsis" title={r.url}>
              {r.method} {r.url}
            </td>
            <td>{r.contentType?.split(';')[0] ?? ''}</td>
            <td className="num">{formatBytes(r.sizeBytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
