/**
 * Correlation: exchanges that carry the same trace id belong to one logical operation.
 * Sources, most specific first: W3C `traceparent` (its trace-id field), `X-Correlation-ID`,
 * `X-Request-ID` — on the request, else echoed on the response.
 */
import type { Exchange, Header } from './model.js';

export type TraceSource = 'traceparent' | 'x-correlation-id' | 'x-request-id';

export interface TraceRef {
  traceId: string;
  source: TraceSource;
}

export interface TraceParent {
  version: string;
  traceId: string;
  parentId: string;
  flags: string;
}

const HEX2 = /^[0-9a-f]{2}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * Parses a `traceparent` header (W3C Trace Context §3.2): `version-traceid-parentid-flags`,
 * lowercase hex only. Version `ff` is invalid; an all-zero trace-id or parent-id is invalid.
 * Version 00 has exactly four fields; a later version may append fields after the flags
 * (§3.2.4: parse what we know, ignore the rest). Returns undefined when invalid.
 */
export function parseTraceparent(value: string): TraceParent | undefined {
  const text = value.trim();
  const parts = text.split('-');
  if (parts.length < 4) return undefined;
  const [version, traceId, parentId, flags] = parts as [string, string, string, string];
  if (!HEX2.test(version) || version === 'ff') return undefined;
  if (version === '00' && parts.length !== 4) return undefined;
  if (!HEX32.test(traceId) || /^0+$/.test(traceId)) return undefined;
  if (!HEX16.test(parentId) || /^0+$/.test(parentId)) return undefined;
  if (!HEX2.test(flags)) return undefined;
  return { version, traceId, parentId, flags };
}

/** A request id is opaque; keep it when it is printable and of a sane length. */
function cleanId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text.length === 0 || text.length > 200) return undefined;
  // Printable ASCII without spaces, so it survives in the filter language (`trace:ID`).
  if (!/^[\x21-\x7e]+$/.test(text)) return undefined;
  return text;
}

function headerValues(headers: readonly Header[] | undefined, name: string): string[] {
  if (!headers) return [];
  const lower = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

function fromHeaders(headers: readonly Header[] | undefined): TraceRef | undefined {
  // Two traceparent headers make the field invalid (W3C Trace Context §3.2: a vendor MUST NOT
  // combine); take a single valid one only.
  const parents = headerValues(headers, 'traceparent');
  if (parents.length === 1) {
    const parsed = parseTraceparent(parents[0]!);
    if (parsed) return { traceId: parsed.traceId, source: 'traceparent' };
  }
  const correlation = cleanId(headerValues(headers, 'x-correlation-id')[0]);
  if (correlation) return { traceId: correlation, source: 'x-correlation-id' };
  const request = cleanId(headerValues(headers, 'x-request-id')[0]);
  if (request) return { traceId: request, source: 'x-request-id' };
  return undefined;
}

/** The trace an exchange belongs to, from its request headers first, then its response's. */
export function traceRefOf(exchange: Pick<Exchange, 'request' | 'response'>): TraceRef | undefined {
  return fromHeaders(exchange.request.headers) ?? fromHeaders(exchange.response?.headers);
}

export function traceIdOf(exchange: Pick<Exchange, 'request' | 'response' | 'traceId'>): string | undefined {
  return exchange.traceId ?? traceRefOf(exchange)?.traceId;
}

/** The other exchanges of the same trace, in start order. */
export function sameTrace<T extends Pick<Exchange, 'id' | 'seq' | 'request' | 'response' | 'traceId'>>(
  exchanges: readonly T[],
  exchange: T,
): T[] {
  const traceId = traceIdOf(exchange);
  if (traceId === undefined) return [];
  return exchanges
    .filter((other) => other.id !== exchange.id && traceIdOf(other) === traceId)
    .sort((a, b) => a.seq - b.seq);
}
