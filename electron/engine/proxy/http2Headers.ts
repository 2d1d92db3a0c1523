import type http2 from 'node:http2';
import { stripHopByHop } from './hopByHop.js';

/**
 * Heads between HTTP/1.1 and HTTP/2 (RFC 9113 §8.2–8.3), in Node's raw layout (name, value,
 * name, value…). HTTP/2 carries the request line and the status line as pseudo-header fields
 * (`:method`, `:scheme`, `:authority`, `:path`, `:status`) in front of the regular ones, with
 * lower-case names and no connection-specific fields.
 */

/** The request line of an HTTP/2 head, read off its pseudo-header fields. */
export interface Http2RequestLine {
  method: string;
  scheme: string | undefined;
  authority: string | undefined;
  path: string | undefined;
  /** RFC 8441's extended CONNECT (`:protocol`), when the client sent it. */
  protocol?: string;
}

export function requestLineOf(raw: readonly string[]): Http2RequestLine {
  let method = 'GET';
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string | undefined;
  let protocol: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 0x3a) break; // pseudo-headers come first (RFC 9113 §8.3)
    const value = raw[i + 1]!;
    if (name === ':method') method = value;
    else if (name === ':scheme') scheme = value;
    else if (name === ':authority') authority = value;
    else if (name === ':path') path = value;
    else if (name === ':protocol') protocol = value;
  }
  const line: Http2RequestLine = { method, scheme, authority, path };
  if (protocol !== undefined) line.protocol = protocol;
  return line;
}

/**
 * An HTTP/2 request head as the HTTP/1.1 head it becomes on an HTTP/1.1 hop: pseudo-headers out,
 * Host from `:authority` when the client sent none (RFC 9113 §8.3.1), and the cookie crumbs an
 * HTTP/2 client may split Cookie into joined again with "; " (RFC 9113 §8.2.3).
 */
export function http1HeadOf(raw: readonly string[], authority: string | undefined): string[] {
  const out: string[] = [];
  let host = false;
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 0x3a) continue;
    if (name === 'cookie') {
      (cookies ??= []).push(raw[i + 1]!);
      continue;
    }
    if (name === 'host') host = true;
    out.push(name, raw[i + 1]!);
  }
  if (!host && authority !== undefined) out.unshift('host', authority);
  if (cookies) out.push('cookie', cookies.join('; '));
  return stripHopByHop(out);
}

/** Fields HTTP/2 forbids (RFC 9113 §8.2.2): connection-specific ones, Host (`:authority` replaces it). */
const NOT_IN_HTTP2 = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
  'proxy-authorization',
  'proxy-authenticate',
]);

/**
 * The head of a request as it goes to an HTTP/2 server, in order: the four pseudo-headers, then
 * the fields (lower-cased) without the connection-specific ones. `TE` survives only as
 * `trailers` (RFC 9113 §8.2.2), which gRPC needs.
 */
export function http2RequestHead(
  line: { method: string; scheme: string; authority: string; path: string },
  raw: readonly string[],
): string[] {
  const out: string[] = [':method', line.method, ':scheme', line.scheme, ':authority', line.authority];
  if (line.method !== 'CONNECT') out.push(':path', line.path);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 0x3a) continue;
    const lower = name.toLowerCase();
    if (NOT_IN_HTTP2.has(lower)) continue;
    if (lower === 'te') {
      if (raw[i + 1]!.trim().toLowerCase() === 'trailers') out.push('te', 'trailers');
      continue;
    }
    out.push(lower, raw[i + 1]!);
  }
  return out;
}

/**
 * Raw pairs as the headers object Node's http2 API takes (it has no raw form): a repeated name
 * becomes an array, in order. Fields HTTP/2 forbids are left out (Node would throw on them).
 */
export function headersObject(raw: readonly string[]): http2.OutgoingHttpHeaders {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (NOT_IN_HTTP2.has(name) || (name === 'te' && raw[i + 1]!.trim().toLowerCase() !== 'trailers'))
      continue;
    const value = raw[i + 1]!;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return headers;
}

/** The regular fields of a raw head without its pseudo-headers (for an HTTP/1.1 client). */
export function withoutPseudoHeaders(raw: readonly string[]): string[] {
  if (raw.length === 0 || raw[0]!.charCodeAt(0) !== 0x3a) return raw as string[];
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.charCodeAt(0) !== 0x3a) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/**
 * The size of a header list as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 §6.5.2): each
 * field's name and value in octets plus 32.
 */
export function headerListBytes(raw: readonly string[]): number {
  let size = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) size += raw[i]!.length + raw[i + 1]!.length + 32;
  return size;
}

/** The value of the first `name` field (lower-case name, as HTTP/2 heads have them). */
export function rawValue(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === name) return raw[i + 1];
  return undefined;
}
