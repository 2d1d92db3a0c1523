import type { OverviewCardProps } from '../overviewCard';
import { formatBytes } from '../../../../shared/format';

/** A URL path first (what differs between rows), then its host. */
function pathFirst(url: string): { path: string; host: string } {
  try {
    const parsed = new URL(url);
    return { path: `${parsed.pathname}${parsed.search}`, host: parsed.host };
  } catch {
    return { path: url, host: '' };
  }
}

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
            <td className="mono" title={r.url}>
              {r.method} {pathFirst(r.url).path} <span className="url-host">{pathFirst(r.url).host}</span>
            </td>
            <td>{r.contentType?.split(';')[0] ?? ''}</td>
            <td className="num">{formatBytes(r.sizeBytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
