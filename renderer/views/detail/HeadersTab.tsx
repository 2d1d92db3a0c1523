import { useState, type CSSProperties } from 'react';
import type { Exchange, Header } from '../../../shared/model';
import { formatBytes } from '../../../shared/format';
import { headerChanges } from './headerChanges';
import type { HeaderChange } from './headerChanges';

function HeaderTable({ headers, label }: { headers: Header[]; label: string }) {
  if (headers.length === 0) return <p className="muted">No headers.</p>;
  return (
    <table className="kv" aria-label={label}>
      <tbody>
        {headers.map((h, i) => (
          <tr key={i}>
            <th scope="row">{h.name}</th>
            <td>{h.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const CHANGE_MARK: Record<HeaderChange['kind'], string> = { removed: '−', added: '+', changed: '~' };

/** What the proxy did to the client's headers on the way upstream, one line per change. */
function HeaderChanges({ client, upstream }: { client: Header[]; upstream: Header[] }) {
  const changes = headerChanges(client, upstream);
  return (
    <div className="header-changes" role="group" aria-label="Header changes by the proxy">
      <p className="muted">
        {changes.length === 0
          ? 'The client sent the same headers; only their order or letter case changed on the way upstream.'
          : `Changed on the way upstream (${changes.length}):`}
      </p>
      {changes.length > 0 && (
        <table className="kv">
          <tbody>
            {changes.map((change, i) => (
              <tr key={i} className={`header-${change.kind}`} aria-label={`${change.kind}: ${change.name}`}>
                <td className="header-change-mark" aria-hidden="true">
                  {CHANGE_MARK[change.kind]}
                </td>
                <th scope="row">{change.name}</th>
                <td>
                  {change.kind === 'changed' ? (
                    <>
                      <del>{change.from}</del> → <ins>{change.to}</ins>
                    </>
                  ) : change.kind === 'removed' ? (
                    <del>{change.value}</del>
                  ) : (
                    <ins>{change.value}</ins>
                  )}
                  <span className="muted"> {change.kind}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The head as it would appear on the wire (HTTP/1.1 message syntax, RFC 9112 §2.1). */
function rawRequest(exchange: Exchange, headers: Header[]): string {
  const { request } = exchange;
  let target = request.url;
  try {
    const url = new URL(request.url);
    target = `${url.pathname}${url.search}`;
  } catch {
    // CONNECT authority-form, shown as recorded.
  }
  return [
    `${request.method} ${target} ${request.httpVersion}`,
    ...headers.map((h) => `${h.name}: ${h.value}`),
  ].join('\n');
}

function rawResponse(exchange: Exchange): string {
  const response = exchange.response!;
  return [
    `${response.httpVersion} ${response.status} ${response.statusText}`,
    ...response.headers.map((h) => `${h.name}: ${h.value}`),
  ].join('\n');
}

const TUNNEL_REASONS: Record<NonNullable<Exchange['tunnel']>['reason'], string> = {
  pass_through_host: 'passed through without interception (pass-through host)',
  client_rejected_certificate: 'passed through: the client rejected the NetLens certificate',
  not_tls: 'passed through: not TLS',
  tcp_proxy: 'a connection through a TCP proxy (toxiproxy API)',
};

/** Query parameters in URL order, decoded (WHATWG URL's application/x-www-form-urlencoded parsing). */
function queryParams(url: string): Header[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** The General table's row names (its widest sets the names column with the headers'). */
const GENERAL_NAMES = ['URL', 'Method', 'Status', 'Remote address', 'Rule', 'Tunnel', 'WebSocket', 'Retry'];

const MAX_NAME_CH = 28;

/** Request and response headers in the order and case they were recorded, or raw. */
export function HeadersTab({ exchange }: { exchange: Exchange }) {
  const [raw, setRaw] = useState(false);
  const [side, setSide] = useState<'upstream' | 'client'>('upstream');
  const clientHeaders = exchange.request.clientHeaders;
  const requestHeaders = clientHeaders && side === 'client' ? clientHeaders : exchange.request.headers;
  const query = queryParams(exchange.request.url);
  // One column grid for every table of the tab: the names column as wide as the longest name
  // shown (in ch of the monospace font), so every value starts at the same x.
  const names = [
    ...GENERAL_NAMES,
    ...query.map((h) => h.name),
    ...requestHeaders.map((h) => h.name),
    ...(exchange.response?.headers ?? []).map((h) => h.name),
  ];
  // Longer names wrap inside the column rather than push the values out of sight.
  const nameCh = Math.min(MAX_NAME_CH, Math.max(...names.map((n) => n.length)));
  return (
    <div className="headers-tab" style={{ '--kv-name-ch': nameCh } as CSSProperties}>
      <label>
        <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> Raw
      </label>
      <h3>General</h3>
      <table className="kv" aria-label="General">
        <tbody>
          <tr>
            <th scope="row">URL</th>
            <td>{exchange.request.url}</td>
          </tr>
          <tr>
            <th scope="row">Method</th>
            <td>{exchange.request.method}</td>
          </tr>
          {exchange.response && (
            <tr>
              <th scope="row">Status</th>
              <td>
                {exchange.response.status} {exchange.response.statusText}
              </td>
            </tr>
          )}
          {exchange.connection.serverIp && (
            <tr>
              <th scope="row">Remote address</th>
              <td>
                {exchange.connection.serverIp}
                {exchange.connection.serverPort !== undefined ? `:${exchange.connection.serverPort}` : ''}
              </td>
            </tr>
          )}
          {exchange.rule && (
            <tr>
              <th scope="row">Rule</th>
              <td>
                {exchange.rule.ruleName}: {exchange.rule.actions.join('; ')}
              </td>
            </tr>
          )}
          {exchange.tunnel && (
            <tr>
              <th scope="row">Tunnel</th>
              <td>
                {TUNNEL_REASONS[exchange.tunnel.reason]}; {formatBytes(exchange.tunnel.bytesFromClient)} sent,{' '}
                {formatBytes(exchange.tunnel.bytesFromServer)} received
                {exchange.tunnel.proxyName !== undefined && ` via proxy ${exchange.tunnel.proxyName}`}
                {exchange.tunnel.closeReason !== undefined && `; ${exchange.tunnel.closeReason}`}
              </td>
            </tr>
          )}
          {exchange.websocket && (
            <tr>
              <th scope="row">WebSocket</th>
              <td>
                {exchange.websocket.messagesFromClient} messages (
                {formatBytes(exchange.websocket.bytesFromClient)}) sent,{' '}
                {exchange.websocket.messagesFromServer} messages (
                {formatBytes(exchange.websocket.bytesFromServer)}) received
                {exchange.websocket.closedAtMs !== undefined ? '; closed' : '; open'}
              </td>
            </tr>
          )}
          {exchange.retry && (
            <tr>
              <th scope="row">Retry</th>
              <td>
                attempt {exchange.retry.attempt} of chain {exchange.retry.chainId}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {query.length > 0 && (
        <>
          <h3>Query string</h3>
          <HeaderTable headers={query} label="Query string" />
        </>
      )}
      <div className="headers-heading">
        <h3>Request headers</h3>
        {clientHeaders && (
          <div className="segmented" role="group" aria-label="Request headers as">
            <button type="button" aria-pressed={side === 'upstream'} onClick={() => setSide('upstream')}>
              Sent upstream
            </button>
            <button type="button" aria-pressed={side === 'client'} onClick={() => setSide('client')}>
              From the client
            </button>
          </div>
        )}
      </div>
      {clientHeaders && <HeaderChanges client={clientHeaders} upstream={exchange.request.headers} />}
      {raw ? (
        <pre className="block">{rawRequest(exchange, requestHeaders)}</pre>
      ) : (
        <HeaderTable headers={requestHeaders} label="Request headers" />
      )}
      <h3>Response headers</h3>
      {exchange.response ? (
        raw ? (
          <pre className="block">{rawResponse(exchange)}</pre>
        ) : (
          <HeaderTable headers={exchange.response.headers} label="Response headers" />
        )
      ) : (
        <p className="muted">{exchange.state === 'pending' ? 'Waiting for the response…' : 'No response.'}</p>
      )}
    </div>
  );
}
