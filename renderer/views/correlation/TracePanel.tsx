import { useMemo } from 'react';
import { sameTrace, traceRefOf } from '../../../shared/correlation';
import type { Exchange } from '../../../shared/model';
import { formatClock, formatDuration } from '../../format';
import { useStore } from '../../store';

const SOURCE_LABEL = {
  traceparent: 'W3C traceparent',
  'x-correlation-id': 'X-Correlation-ID',
  'x-request-id': 'X-Request-ID',
} as const;

/** At most this many rows; a trace with more is better read with the `trace:` filter. */
const MAX_ROWS = 200;

function outcome(exchange: Exchange): string {
  if (exchange.error) return exchange.error.class;
  if (exchange.response) return String(exchange.response.status);
  return exchange.state;
}

/** The other exchanges of the selected exchange's trace, clickable. */
export function TracePanel({ exchange }: { exchange: Exchange }) {
  const version = useStore((s) => s.exchangesVersion);
  const ids = useStore((s) => s.ids);
  const byId = useStore((s) => s.byId);
  const select = useStore((s) => s.select);
  const setFilter = useStore((s) => s.setFilter);
  const ref =
    exchange.traceId !== undefined
      ? { traceId: exchange.traceId, source: traceRefOf(exchange)?.source }
      : traceRefOf(exchange);
  const others = useMemo(() => {
    void version;
    const all = ids.map((id) => byId.get(id)).filter((e): e is Exchange => e !== undefined);
    return sameTrace(all, exchange);
  }, [version, ids, byId, exchange]);

  if (!ref) {
    return (
      <div className="trace-panel" aria-label="Trace">
        <p className="muted">
          No trace id on this exchange. NetLens links exchanges that share a W3C <code>traceparent</code>{' '}
          trace id, an <code>X-Correlation-ID</code> or an <code>X-Request-ID</code> (request first, else the
          response).
        </p>
      </div>
    );
  }
  return (
    <div className="trace-panel" aria-label="Trace">
      <p>
        Trace <code className="mono">{ref.traceId}</code>
        {ref.source ? <span className="muted"> from {SOURCE_LABEL[ref.source]}</span> : null}{' '}
        <button type="button" onClick={() => setFilter(`trace:${ref.traceId}`)}>
          Filter traffic by this trace
        </button>
      </p>
      {others.length === 0 ? (
        <p className="muted">No other exchange in this session carries this trace id.</p>
      ) : (
        <table className="trace-table" aria-label="Exchanges in the same trace">
          <thead>
            <tr>
              <th>#</th>
              <th>Started</th>
              <th>Method</th>
              <th>URL</th>
              <th>Result</th>
              <th>Time</th>
            </tr>
          </thead>
          <tbody>
            {others.slice(0, MAX_ROWS).map((other) => (
              <tr key={other.id}>
                <td>{other.seq}</td>
                <td className="mono">{formatClock(other.startedAtMs)}</td>
                <td>{other.request.method}</td>
                <td className="mono">
                  <button
                    type="button"
                    className="link"
                    title={other.request.url}
                    onClick={() => select(other.id)}
                  >
                    {other.request.url}
                  </button>
                </td>
                <td>{outcome(other)}</td>
                <td>{formatDuration(other.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {others.length > MAX_ROWS ? (
        <p className="muted">{others.length - MAX_ROWS} more: use the filter.</p>
      ) : null}
    </div>
  );
}
