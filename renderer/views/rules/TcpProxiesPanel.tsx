/**
 * The TCP proxies of the toxiproxy-compatible API (docs/toxiproxy.md): each proxy with its
 * toxics, then the connections through them, newest first (bytes each way, duration, how they
 * ended, the toxics that acted). Proxies and toxics are made through that API (a toxiproxy client
 * library, or `curl`), not here; a connection opens in the Traffic view.
 */
import { useMemo } from 'react';
import type { Exchange } from '../../../shared/model';
import type { TcpProxyInfo, ToxicJson } from '../../../shared/toxiproxy';
import { formatBytes } from '../../../shared/format';
import { formatClock, formatDuration } from '../../format';
import { useStore } from '../../store';

/** Connections shown: the newest; the rest are in the Traffic view (`rule:"TCP proxy NAME"`). */
const MAX_CONNECTIONS = 200;

function toxicText(toxic: ToxicJson): string {
  const attributes = Object.entries(toxic.attributes)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const odds = toxic.toxicity < 1 ? `, toxicity ${toxic.toxicity}` : '';
  return `${toxic.name}: ${toxic.type} ${toxic.stream}${attributes ? ` (${attributes})` : ''}${odds}`;
}

export function tcpProxyConnections(
  ids: readonly string[],
  byId: ReadonlyMap<string, Exchange>,
  max: number,
): Exchange[] {
  const found: Exchange[] = [];
  for (let i = ids.length - 1; i >= 0 && found.length < max; i -= 1) {
    const exchange = byId.get(ids[i]!);
    if (exchange?.tunnel?.reason === 'tcp_proxy') found.push(exchange);
  }
  return found;
}

export function TcpProxiesPanel({ proxies }: { proxies: readonly TcpProxyInfo[] }) {
  const ids = useStore((s) => s.ids);
  const byId = useStore((s) => s.byId);
  const version = useStore((s) => s.exchangesVersion);
  const select = useStore((s) => s.select);
  const setView = useStore((s) => s.setView);
  const connections = useMemo(
    () => tcpProxyConnections(ids, byId, MAX_CONNECTIONS),
    // byId changes in place: exchangesVersion says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ids, byId, version],
  );

  return (
    <div className="tcp-proxies">
      <p className="muted">
        TCP proxies with toxics (latency, bandwidth, resets, timeouts…) for any TCP protocol. They are made
        and changed through the toxiproxy-compatible API (
        <span className="mono">netlens proxy --toxiproxy-api PORT</span>), by a toxiproxy client library or by
        hand; they last as long as NetLens runs.
      </p>
      {proxies.length === 0 ? (
        <p className="muted">No TCP proxy.</p>
      ) : (
        <table className="rules-table" aria-label="TCP proxies">
          <thead>
            <tr>
              <th>Proxy</th>
              <th>Listens on</th>
              <th>Upstream</th>
              <th>State</th>
              <th>Toxics</th>
            </tr>
          </thead>
          <tbody>
            {proxies.map((proxy) => (
              <tr key={proxy.name}>
                <td>{proxy.name}</td>
                <td className="mono">{proxy.listen}</td>
                <td className="mono">{proxy.upstream}</td>
                <td>{proxy.enabled ? 'enabled' : 'disabled'}</td>
                <td>
                  {proxy.toxics.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <ul className="toxics">
                      {proxy.toxics.map((toxic) => (
                        <li key={toxic.name} className="mono">
                          {toxicText(toxic)}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Connections{connections.length === MAX_CONNECTIONS ? ` (the newest ${MAX_CONNECTIONS})` : ''}</h3>
      {connections.length === 0 ? (
        <p className="muted">No connection through a TCP proxy yet.</p>
      ) : (
        <table className="rules-table" aria-label="TCP proxy connections">
          <thead>
            <tr>
              <th>Started</th>
              <th>Proxy</th>
              <th>Client</th>
              <th>Upstream</th>
              <th className="num">Sent</th>
              <th className="num">Received</th>
              <th className="num">Duration</th>
              <th>Ended</th>
              <th>Toxics</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((exchange) => {
              const tunnel = exchange.tunnel!;
              const ended =
                exchange.state === 'pending'
                  ? 'open'
                  : exchange.error
                    ? `${tunnel.closeReason ?? exchange.error.class} (${exchange.error.class})`
                    : (tunnel.closeReason ?? 'closed');
              return (
                <tr
                  key={exchange.id}
                  className={`clickable${exchange.error ? ' errored' : ''}`}
                  title="Open in the Traffic view"
                  onClick={() => {
                    select(exchange.id);
                    setView('traffic');
                  }}
                >
                  <td className="mono">{formatClock(exchange.startedAtMs)}</td>
                  <td>{tunnel.proxyName}</td>
                  <td className="mono">
                    {exchange.connection.clientAddress}
                    {exchange.connection.clientPort !== undefined ? `:${exchange.connection.clientPort}` : ''}
                  </td>
                  <td className="mono">{exchange.request.url.replace(/^tcp:\/\//, '')}</td>
                  <td className="num">{formatBytes(tunnel.bytesFromClient)}</td>
                  <td className="num">{formatBytes(tunnel.bytesFromServer)}</td>
                  <td className="num">{formatDuration(exchange.durationMs, '…')}</td>
                  <td className={exchange.error ? 'tone-error' : undefined}>{ended}</td>
                  <td>
                    {exchange.rule ? exchange.rule.actions.join('; ') : <span className="muted">none</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
