/**
 * The one-line summary `netlens proxy` prints per finished exchange when not in --json mode,
 * in the spirit of mitmdump's terse output:
 *
 *   200 GET http://127.0.0.1:8080/api/items 42 ms 1.2 KiB
 *   200 POST http://127.0.0.1:8080/upload 3.20 s 2 B [request body captured 64 MiB of 191 MiB: capture cap]
 *   ERR GET http://api.invalid/ 3.1 ms dns_not_found: Could not resolve api.invalid ...
 *   TUNNEL CONNECT pinned.example:443 5020 ms ↑ 1.1 KiB ↓ 20 KiB (pass_through_host)
 *   200 GET https://127.0.0.1:8443/ 8.0 ms 312 B <chromium#1>
 *   200 GET https://127.0.0.1:8443/app.js 3.1 ms 9.8 KiB (reused) [h2 stream 5]
 *   200 POST https://127.0.0.1:50051/echo.Echo/Say 4.2 ms 17 B [h2 stream 1] [grpc UNAVAILABLE: backend down]
 *
 * The source is shown when it is not `manual` (a client NetLens launched or configured).
 */
import { TRUNCATED_BECAUSE, type BodyInfo, type Exchange, type RetryInfo } from '../../shared/model.js';
import { formatBytes, formatDurationMs } from '../../shared/format.js';
import { MANUAL_SOURCE } from '../../shared/source.js';

export function terseExchangeLine(exchange: Exchange): string {
  const { request, response, error } = exchange;
  const parts: string[] = [];
  if (exchange.kind === 'tunnel') {
    parts.push('TUNNEL', request.method, request.url, formatDurationMs(exchange.durationMs, '-'));
    if (exchange.tunnel) {
      parts.push(
        `↑ ${formatBytes(exchange.tunnel.bytesFromClient)} ↓ ${formatBytes(exchange.tunnel.bytesFromServer)}`,
        `(${exchange.tunnel.reason})`,
      );
    }
  } else {
    parts.push(response ? String(response.status) : 'ERR', request.method, request.url);
    parts.push(formatDurationMs(exchange.durationMs, '-'));
    if (response) parts.push(formatBytes(response.body.sizeBytes));
    if (exchange.connection.reused) parts.push('(reused)');
    const protocol = http2Note(exchange);
    if (protocol) parts.push(protocol);
    if (exchange.grpc?.status !== undefined) {
      const { statusName, message } = exchange.grpc;
      parts.push(`[grpc ${statusName ?? exchange.grpc.status}${message ? `: ${message}` : ''}]`);
    }
    // A size is what crossed the wire; where the capture kept less, the line says so, and why.
    const cut = [truncation('request', request.body), truncation('response', response?.body)];
    for (const note of cut) if (note) parts.push(note);
  }
  if (exchange.source !== undefined && exchange.source !== MANUAL_SOURCE) parts.push(`<${exchange.source}>`);
  if (exchange.rule) parts.push(`[rule ${exchange.rule.ruleName}: ${exchange.rule.actions.join('; ')}]`);
  if (exchange.retry && exchange.retry.attempt > 1) parts.push(`[retry #${exchange.retry.attempt}]`);
  if (error) parts.push(`${error.class}: ${error.message}`);
  // A control character in a URL or message must not move the cursor or forge another line.
  return escapeControlCharacters(parts.join(' '));
}

/** `[h2 stream 5]` for a client stream, `[h2 upstream]` when only NetLens spoke HTTP/2 (to the server). */
function http2Note(exchange: Exchange): string | undefined {
  const info = exchange.http2;
  if (info?.clientStreamId !== undefined)
    return `[h2${info.clientCleartext ? 'c' : ''} stream ${info.clientStreamId}]`;
  if (info?.upstreamStreamId !== undefined || exchange.response?.httpVersion === 'HTTP/2.0')
    return '[h2 upstream]';
  return undefined;
}

function truncation(side: 'request' | 'response', body: BodyInfo | undefined): string | undefined {
  if (!body?.truncated) return undefined;
  const why = body.truncatedReason ? `: ${TRUNCATED_BECAUSE[body.truncatedReason]}` : '';
  return `[${side} body captured ${formatBytes(body.capturedBytes)} of ${formatBytes(body.sizeBytes)}${why}]`;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function terseRetryLine(exchange: Exchange | undefined, id: string, retry: RetryInfo): string {
  const what = exchange ? `${exchange.request.method} ${exchange.request.url}` : id;
  return `RETRY ${what} is attempt ${retry.attempt} of retry chain ${retry.chainId}`;
}
