import { formatDuration } from '../../../format';
import type { EndpointStat } from '../../../../shared/statistics';

import { filterValue } from '../../traffic/filterValue';
import type { OverviewCardProps } from '../overviewCard';

/** The filter for an endpoint: its method, host, and the path up to its first id segment. */
function endpointFilter(e: EndpointStat): string {
  const fixed = e.path.split('/:id')[0] ?? '';
  return `method:${e.method} host:${filterValue(e.host)}${fixed && fixed !== '/' ? ` ${filterValue(fixed)}` : ''}`;
}

/** Endpoints (routes: paths with ids folded to `:id`) by their p95. */
export function SlowestEndpointsCard({ stats, applyFilter, openExchange }: OverviewCardProps) {
  return (
    <table className="overview-table" aria-label="Slowest endpoints">
      <thead>
        <tr>
          <th>Endpoint</th>
          <th className="num">n</th>
          <th className="num">p50</th>
          <th className="num">p95</th>
          <th className="num">max</th>
        </tr>
      </thead>
      <tbody>
        {stats.slowestEndpoints.map((e) => (
          <tr
            key={`${e.method} ${e.host}${e.path}`}
            className="clickable"
            onClick={() => applyFilter(endpointFilter(e))}
          >
            {/* The route first: it is what differs between rows; the host may be cut off. */}
            <td className="mono endpoint" title={`${e.method} ${e.host}${e.path}`}>
              {e.method} <span>{e.path}</span> <span className="muted">{e.host}</span>
            </td>
            <td className="num">{e.count}</td>
            <td className="num">{formatDuration(e.p50Ms)}</td>
            <td className="num">{formatDuration(e.p95Ms)}</td>
            <td className="num">
              <button
                type="button"
                className="link"
                onClick={(event) => {
                  event.stopPropagation();
                  openExchange(e.slowestId);
                }}
              >
                {formatDuration(e.maxMs)}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
