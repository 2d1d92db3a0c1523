import { formatDuration } from '../../format';
import { useMemo, useState } from 'react';
import type { Exchange } from '../../../shared/model';
import { useStore } from '../../store';
import { connectionStreams, type ConnectionStreams } from './connectionStreams';
import './protocolPanels.css';

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

function outcome(exchange: Exchange): string {
  if (exchange.response) return String(exchange.response.status);
  if (exchange.error) return exchange.error.class;
  return exchange.state;
}

function endOf(exchange: Exchange, nowMs: number): number {
  return exchange.startedAtMs + (exchange.durationMs ?? Math.max(0, nowMs - exchange.startedAtMs));
}

/** One connection's streams: when each started and ended on one time line, so multiplexing shows. */
function StreamTable({
  title,
  streams,
  current,
}: {
  title: string;
  streams: ConnectionStreams;
  current: Exchange;
}) {
  const select = useStore((s) => s.select);
  const [nowMs] = useState(() => Date.now());
  const spanMs = Math.max(
    1,
    ...streams.rows.map((row) => endOf(row.exchange, nowMs) - streams.firstStartedAtMs),
  );
  const goAway = streams.rows.find((row) => row.exchange.http2?.goAway)?.exchange.http2?.goAway;
  const settings = streams.rows.find((row) => row.exchange.http2?.serverSettings)?.exchange.http2
    ?.serverSettings;
  const open = streams.rows.filter((row) => row.exchange.state === 'pending').length;
  return (
    <section aria-label={title} className="stream-section">
      <h3>
        {title} <span className="connection-id">{streams.id}</span>
      </h3>
      <p className="muted">
        {streams.rows.length} stream{streams.rows.length === 1 ? '' : 's'} in the list
        {open > 0 ? `, ${open} open` : ''}
        {/* 2^32-1 is what a server without a limit announces (Node's default): no limit to show. */}
        {settings?.maxConcurrentStreams !== undefined && settings.maxConcurrentStreams < 2 ** 31
          ? ` · the server allows ${settings.maxConcurrentStreams} at once`
          : ''}
        {goAway
          ? ` · GOAWAY ${goAway.name} (0x${goAway.code.toString(16)}) from the ${goAway.by}, last stream ${goAway.lastStreamId}`
          : ''}
      </p>
      <table className="protocol-list fixed" aria-label={`${title} streams`}>
        <thead>
          <tr>
            <th style={{ width: 52 }}>Stream</th>
            <th style={{ width: 60 }}>Method</th>
            <th>Path</th>
            <th style={{ width: 56 }}>Status</th>
            <th style={{ width: 68 }}>Start</th>
            <th style={{ width: 60 }}>Time</th>
            <th style={{ width: 90 }}>Reset</th>
            <th style={{ width: '20%' }}>Timeline</th>
          </tr>
        </thead>
        <tbody>
          {streams.rows.map(({ exchange, streamId }) => {
            const startMs = exchange.startedAtMs - streams.firstStartedAtMs;
            const lengthMs = endOf(exchange, nowMs) - exchange.startedAtMs;
            const reset = exchange.http2?.reset;
            return (
              <tr
                key={exchange.id}
                className={exchange.id === current.id ? 'current' : undefined}
                aria-current={exchange.id === current.id ? 'true' : undefined}
                onClick={() => select(exchange.id)}
                title="Select this exchange"
              >
                <td className="num">{streamId ?? '—'}</td>
                <td>{exchange.request.method}</td>
                <td className="path" title={exchange.request.url}>
                  {pathOf(exchange.request.url)}
                </td>
                <td>{outcome(exchange)}</td>
                <td className="num">+{formatDuration(startMs)}</td>
                <td className="num">{formatDuration(exchange.durationMs, '…')}</td>
                <td>{reset ? `${reset.name} by ${reset.by}` : ''}</td>
                <td>
                  <div className="stream-lane">
                    <i
                      className={exchange.error || reset ? 'failed' : undefined}
                      style={{
                        left: `${(startMs / spanMs) * 100}%`,
                        width: `${Math.max(0.5, (lengthMs / spanMs) * 100)}%`,
                      }}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The other streams of this exchange's HTTP/2 connections, on the client side and upstream. */
export function StreamsTab({ exchange }: { exchange: Exchange }) {
  const ids = useStore((s) => s.ids);
  const byId = useStore((s) => s.byId);
  const version = useStore((s) => s.exchangesVersion);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- byId is mutated in place; the version says when
  const streams = useMemo(() => connectionStreams(exchange, ids, byId), [exchange, ids, byId, version]);
  if (!streams.client && !streams.upstream)
    return <p className="muted">This exchange did not travel over HTTP/2.</p>;
  return (
    <div>
      {streams.client && (
        <StreamTable
          title={exchange.http2?.clientCleartext ? 'Client connection (h2c)' : 'Client connection (h2)'}
          streams={streams.client}
          current={exchange}
        />
      )}
      {streams.upstream && (
        <StreamTable title="Upstream connection" streams={streams.upstream} current={exchange} />
      )}
    </div>
  );
}
