import type { Exchange } from './model.js';

/**
 * The fields of an exchange that a list row, the filter, the charts and the retry grouping need:
 * what the engine keeps in memory for every stored exchange once its full record is on disk.
 */
export interface ExchangeSummary extends Pick<
  Exchange,
  'id' | 'seq' | 'kind' | 'state' | 'startedAtMs' | 'durationMs'
> {
  method: string;
  url: string;
  /** Host of the URL (with its port when one is written), lower-case. */
  host: string;
  status?: number;
  errorClass?: string;
  /** Declared body sizes (`BodyInfo.sizeBytes`). */
  requestBytes: number;
  responseBytes: number;
  /** The response's media type, without parameters (`application/json`). */
  contentType?: string;
  clientAddress?: string;
  source?: string;
}

export function summarizeExchange(exchange: Exchange): ExchangeSummary {
  const summary: ExchangeSummary = {
    id: exchange.id,
    seq: exchange.seq,
    kind: exchange.kind,
    state: exchange.state,
    startedAtMs: exchange.startedAtMs,
    method: exchange.request.method,
    url: exchange.request.url,
    host: hostOf(exchange.request.url),
    requestBytes: exchange.request.body.sizeBytes,
    responseBytes: exchange.response?.body.sizeBytes ?? 0,
  };
  if (exchange.durationMs !== undefined) summary.durationMs = exchange.durationMs;
  if (exchange.response) summary.status = exchange.response.status;
  if (exchange.error) summary.errorClass = exchange.error.class;
  const contentType = exchange.response ? mediaTypeOf(exchange.response.headers) : undefined;
  if (contentType) summary.contentType = contentType;
  if (exchange.connection.clientAddress !== undefined)
    summary.clientAddress = exchange.connection.clientAddress;
  if (exchange.source !== undefined) summary.source = exchange.source;
  return summary;
}

/** `https://Example.com:8443/a?b` → `example.com:8443`; a URL without a scheme (a CONNECT target) as it is. */
export function hostOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? 0 : scheme + 3;
  let end = url.length;
  for (let i = start; i < url.length; i += 1) {
    const c = url.charCodeAt(i);
    // '/', '?', '#' end the authority (RFC 3986 §3.2).
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const authority = url.slice(start, end);
  const at = authority.lastIndexOf('@');
  return (at < 0 ? authority : authority.slice(at + 1)).toLowerCase();
}

function mediaTypeOf(headers: readonly { name: string; value: string }[]): string | undefined {
  for (const { name, value } of headers) {
    if (name.length !== 12 || name.toLowerCase() !== 'content-type') continue;
    const semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase() || undefined;
  }
  return undefined;
}
