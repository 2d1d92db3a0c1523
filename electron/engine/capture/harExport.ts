/**
 * Exchanges → HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), as DESIGN.md "HAR"
 * specifies it: valid against the HAR schema, standard timings (`-1` for phases that did not
 * happen, ssl also counted inside connect), and NetLens' own data in `_error` and `_netlens`.
 * A body that cannot be loaded costs that body, never the export.
 */
import { isIP } from 'node:net';
import type {
  HarContent,
  HarCookie,
  HarDocument,
  HarEntry,
  HarError,
  HarNameValue,
  HarNetlens,
  HarNetlensBody,
  HarNetlensConnection,
  HarPostData,
  HarRequest,
  HarResponse,
  HarTimings,
  HarWebSocketMessage,
} from '../../../shared/har.js';
import type { NetlensError } from '../../../shared/errors.js';
import type {
  BodyInfo,
  BodyPayload,
  BodySide,
  ConnectionInfo,
  Exchange,
  Header,
  WebSocketFrame,
} from '../../../shared/model.js';
import { headerValue, TRUNCATED_BECAUSE } from '../../../shared/model.js';
import { totalTimeMs } from '../../../shared/timing.js';
import { redactBodyText, redactExchange, redactFormEncoded, redactGrpcMessages } from './redaction.js';
import type { GrpcDecodedMessages } from '../../../shared/grpcMessageJson.js';

export interface HarExportSettings {
  loadBody: (id: string, side: BodySide) => Promise<BodyPayload | null>;
  /** Apply redaction.ts to URLs, headers, cookies and JSON/form bodies. */
  redact?: boolean;
  creatorVersion: string;
  /** Bodies larger than this (decoded) are left out, with a comment saying so. Default 50 MiB. */
  maxBodyBytes?: number;
  /**
   * A gRPC call's messages decoded, as JSON (`_netlens.grpc.decoded`); without it, or when it
   * gives nothing, only what the record already carries (an imported HAR's) is written.
   */
  grpcMessages?: (
    exchange: Exchange,
    loadBody: (id: string, side: BodySide) => Promise<BodyPayload | null>,
  ) => Promise<GrpcDecodedMessages | undefined>;
}

const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Chrome's mimeType for "unknown" (and what it writes for failed requests). */
const UNKNOWN_MIME = 'x-unknown';

export async function toHar(exchanges: Exchange[], options: HarExportSettings): Promise<HarDocument> {
  const entries: HarEntry[] = [];
  for (const exchange of exchanges) entries.push(await toHarEntry(exchange, options));
  return {
    log: {
      version: '1.2',
      creator: { name: 'NetLens', version: options.creatorVersion },
      entries,
    },
  };
}

export async function toHarEntry(original: Exchange, options: HarExportSettings): Promise<HarEntry> {
  const exchange = options.redact ? redactExchange(original) : original;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const hasHttpBodies = exchange.kind === 'http';
  const requestBody =
    hasHttpBodies && original.request.body.sizeBytes > 0
      ? await loadSafely(options, exchange.id, 'request')
      : { payload: null };
  const responseBody =
    hasHttpBodies && original.response && original.response.body.sizeBytes > 0
      ? await loadSafely(options, exchange.id, 'response')
      : { payload: null };

  const entry: HarEntry = {
    startedDateTime: new Date(exchange.startedAtMs).toISOString(),
    time: round(totalTimeMs(exchange.timings)),
    request: harRequest(exchange, original, requestBody, options.redact === true, maxBodyBytes),
    response: harResponse(exchange, original, responseBody, options.redact === true, maxBodyBytes),
    cache: {},
    timings: harTimings(exchange),
  };
  const serverIp = harIpAddress(exchange.connection.serverIp);
  if (serverIp) entry.serverIPAddress = serverIp;
  entry.connection = exchange.connection.id;
  if (exchange.error) entry._error = harError(exchange.error);
  entry._netlens = netlensField(exchange, requestBody.payload, responseBody.payload);
  if (original.grpc && hasHttpBodies && options.grpcMessages && !original.grpc.decoded) {
    // The bodies just loaded, not read a second time.
    const loaded = (_id: string, side: BodySide) =>
      Promise.resolve(side === 'request' ? requestBody.payload : responseBody.payload);
    const decoded = await options.grpcMessages(original, loaded).catch(() => undefined);
    if (decoded && entry._netlens.grpc)
      entry._netlens.grpc.decoded = options.redact ? redactGrpcMessages(decoded) : decoded;
  }
  // Chrome's DevTools shows WebSocket handshakes by this field; harmless to other readers.
  if (exchange.kind === 'websocket') entry._resourceType = 'websocket';
  const frames = exchange.websocket?.frames;
  if (frames) entry._webSocketMessages = chromeWebSocketMessages(frames);
  return entry;
}

interface LoadedBody {
  payload: BodyPayload | null;
  error?: string;
}

async function loadSafely(options: HarExportSettings, id: string, side: BodySide): Promise<LoadedBody> {
  try {
    return { payload: await options.loadBody(id, side) };
  } catch (error) {
    return { payload: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/** HAR numbers are ms; keep µs precision and no float noise. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * HAR 1.2 timings: `-1` where blocked/dns/connect/ssl did not happen (a reused connection has
 * no dns, connect or ssl), ssl is also included in connect, and send/wait/receive are 0 when
 * they were not reached (a failed exchange).
 */
export function harTimings(exchange: Pick<Exchange, 'timings'>): HarTimings {
  const t = exchange.timings;
  const happened = (value: number | undefined): value is number =>
    value !== undefined && Number.isFinite(value) && value >= 0;
  const connect = happened(t.connect)
    ? t.connect + (happened(t.ssl) ? t.ssl : 0)
    : happened(t.ssl)
      ? t.ssl
      : -1;
  return {
    blocked: happened(t.blocked) ? round(t.blocked) : -1,
    dns: happened(t.dns) ? round(t.dns) : -1,
    connect: connect === -1 ? -1 : round(connect),
    send: happened(t.send) ? round(t.send) : 0,
    wait: happened(t.wait) ? round(t.wait) : 0,
    receive: happened(t.receive) ? round(t.receive) : 0,
    ssl: happened(t.ssl) ? round(t.ssl) : -1,
  };
}

/** The schema wants a plain IPv4 or IPv6 address: no brackets, no zone, no port. */
function harIpAddress(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  let bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  bare = bare.replace(/%.*$/, '');
  if (bare.startsWith('::ffff:') && isIP(bare.slice(7)) === 4) bare = bare.slice(7);
  return isIP(bare) !== 0 ? bare : undefined;
}

/**
 * The URL as HAR's schema wants it (format `uri`, RFC 3986): clients sometimes send raw spaces,
 * `|`, `{}`, brackets or UTF-8 in a request target, which NetLens records as received. Those are
 * percent-encoded here (RFC 3986 §2.1), so the entry stays valid and decodes to the same URL.
 */
export function harUrl(url: string): string {
  const authorityEnd = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0].length ?? 0;
  const head = url.slice(0, authorityEnd);
  const rest = url
    .slice(authorityEnd)
    .replace(/%(?![0-9A-Fa-f]{2})/g, '%25')
    .replace(/[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+/g, (chars) => encodeURIComponent(chars));
  return head + rest;
}

function nameValues(headers: readonly Header[]): HarNameValue[] {
  return headers.map((h) => ({ name: h.name, value: h.value }));
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Pairs of `a=1&b=2` (WHATWG application/x-www-form-urlencoded parsing, tolerant of bad escapes). */
export function parseFormPairs(text: string): HarNameValue[] {
  const pairs: HarNameValue[] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push({ name: decodeQueryComponent(name), value: decodeQueryComponent(value) });
  }
  return pairs;
}

export function queryString(url: string): HarNameValue[] {
  const withoutFragment = url.split('#', 1)[0]!;
  const queryAt = withoutFragment.indexOf('?');
  return queryAt === -1 ? [] : parseFormPairs(withoutFragment.slice(queryAt + 1));
}

/** Cookies of the request's Cookie headers (RFC 6265 §5.4). */
export function requestCookies(headers: readonly Header[]): HarNameValue[] {
  const cookies: HarNameValue[] = [];
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'cookie') continue;
    for (const part of header.value.split(';')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      cookies.push(
        eq === -1
          ? { name: '', value: trimmed }
          : { name: trimmed.slice(0, eq).trim(), value: trimmed.slice(eq + 1).trim() },
      );
    }
  }
  return cookies;
}

/** Cookies of the response's Set-Cookie headers, with their attributes (RFC 6265 §5.2). */
export function responseCookies(headers: readonly Header[]): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'set-cookie') continue;
    const [pair = '', ...attributes] = header.value.split(';');
    const eq = pair.indexOf('=');
    const cookie: HarCookie =
      eq === -1
        ? { name: '', value: pair.trim() }
        : { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    for (const attribute of attributes) {
      const at = attribute.indexOf('=');
      const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
      const value = at === -1 ? '' : attribute.slice(at + 1).trim();
      if (key === 'path') cookie.path = value;
      else if (key === 'domain') cookie.domain = value;
      else if (key === 'expires') {
        const ms = Date.parse(value);
        if (Number.isFinite(ms)) cookie.expires = new Date(ms).toISOString();
      } else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'samesite') cookie.sameSite = value;
    }
    cookies.push(cookie);
  }
  return cookies;
}

/**
 * HAR headersSize: bytes from the start line to the blank line inclusive. Exact for HTTP/1.x,
 * where NetLens keeps header order and case; unknown (-1) for other versions.
 */
function headBytes(startLine: string, headers: readonly Header[], httpVersion: string): number {
  if (!/^HTTP\/1\.[01]$/i.test(httpVersion)) return -1;
  let size = Buffer.byteLength(startLine, 'latin1') + 2;
  for (const h of headers) size += Buffer.byteLength(`${h.name}: ${h.value}`, 'latin1') + 2;
  return size + 2;
}

function requestTarget(exchange: Exchange): string {
  if (exchange.request.method.toUpperCase() === 'CONNECT')
    return exchange.request.url.replace(/^[a-z]+:\/\//i, '');
  try {
    const url = new URL(exchange.request.url);
    return `${url.pathname}${url.search}`;
  } catch {
    return exchange.request.url;
  }
}

const TEXTUAL_MIME =
  /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml)\b|application\/(javascript|ecmascript|x-javascript|x-www-form-urlencoded|graphql|x-ndjson|yaml|x-yaml|csv|sql)\b|image\/svg\+xml\b|multipart\/form-data\b)/i;

/** Text when the bytes are valid UTF-8 without NULs and the type is textual (or unknown); else base64. */
function bodyText(bytes: Buffer, mimeType: string): { text: string; encoding?: 'base64' } {
  const typed = mimeType.split(';', 1)[0]!.trim();
  const maybeText = typed === '' || typed === UNKNOWN_MIME || TEXTUAL_MIME.test(typed);
  if (maybeText && !bytes.includes(0)) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      // not UTF-8: fall through to base64
    }
  }
  return { text: bytes.toString('base64'), encoding: 'base64' };
}

function harRequest(
  exchange: Exchange,
  original: Exchange,
  body: LoadedBody,
  redact: boolean,
  maxBodyBytes: number,
): HarRequest {
  const { request } = exchange;
  const request0 = original.request;
  const request_: HarRequest = {
    method: request.method,
    url: harUrl(request.url),
    httpVersion: request.httpVersion,
    cookies: requestCookies(request.headers),
    headers: nameValues(request.headers),
    queryString: queryString(request.url),
    headersSize: headBytes(
      `${request0.method} ${requestTarget(original)} ${request0.httpVersion}`,
      request0.headers,
      request0.httpVersion,
    ),
    bodySize: exchange.kind === 'http' ? request0.body.sizeBytes : 0,
  };
  if (exchange.kind === 'http' && request0.body.sizeBytes > 0) {
    request_.postData = postData(request.headers, request0.body, body, redact, maxBodyBytes);
  }
  return request_;
}

function postData(
  headers: readonly Header[],
  info: BodyInfo,
  body: LoadedBody,
  redact: boolean,
  maxBodyBytes: number,
): HarPostData {
  const mimeType = headerValue(headers, 'content-type') ?? info.contentType ?? '';
  const data: HarPostData = { mimeType };
  const payload = body.payload;
  if (!payload) {
    data.text = '';
    data.comment = body.error ? `body unavailable: ${body.error}` : 'body not captured';
    return data;
  }
  const bytes = Buffer.from(payload.base64, 'base64');
  if (bytes.length > maxBodyBytes) {
    data.text = '';
    data.comment = `body of ${bytes.length} bytes left out: larger than the export limit of ${maxBodyBytes} bytes`;
    return data;
  }
  const { text, encoding } = bodyText(bytes, mimeType);
  if (encoding) {
    data.text = text;
    data.encoding = encoding;
  } else {
    data.text = redact ? redactBodyText(text, mimeType) : text;
    if (/^application\/x-www-form-urlencoded\b/i.test(mimeType)) {
      data.params = parseFormPairs(redact ? redactFormEncoded(text) : text).map((p) => ({
        name: p.name,
        value: p.value,
      }));
    }
  }
  if (payload.truncated || info.truncated)
    data.comment = `truncated${because(info)}: the first ${bytes.length} of ${info.sizeBytes} bytes`;
  return data;
}

function harResponse(
  exchange: Exchange,
  original: Exchange,
  body: LoadedBody,
  redact: boolean,
  maxBodyBytes: number,
): HarResponse {
  const response = exchange.response;
  const response0 = original.response;
  if (!response || !response0) {
    // Chrome's convention for a request that got no response: status 0, empty fields, -1 sizes.
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: UNKNOWN_MIME },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    };
  }
  const mimeType = headerValue(response.headers, 'content-type') ?? response.body.contentType ?? UNKNOWN_MIME;
  return {
    status: response.status,
    statusText: response.statusText,
    httpVersion: response.httpVersion,
    cookies: responseCookies(response.headers),
    headers: nameValues(response.headers),
    content:
      exchange.kind === 'http'
        ? content(response0.body, mimeType, body, redact, maxBodyBytes)
        : { size: 0, mimeType, compression: 0 },
    redirectURL: redirectUrl(headerValue(response.headers, 'location'), exchange.request.url),
    headersSize: headBytes(
      `${response0.httpVersion} ${response0.status} ${response0.statusText}`,
      response0.headers,
      response0.httpVersion,
    ),
    bodySize: exchange.kind === 'http' ? response0.body.sizeBytes : 0,
  };
}

/**
 * HAR 1.2 `redirectURL`: "Redirection target URL from the Location response header". NetLens
 * writes it resolved against the request URL (RFC 9110 §10.2.2: a relative Location is relative
 * to the target URI), so a reader can follow it as it is; the header keeps the text as sent.
 * Chrome writes the header's text, relative or not. A Location that does not resolve is kept as is.
 */
export function redirectUrl(location: string | undefined, requestUrl: string): string {
  if (location === undefined || location.trim() === '') return '';
  try {
    return harUrl(new URL(location.trim(), requestUrl).href);
  } catch {
    return location;
  }
}

/**
 * HAR 1.2 `compression`: "Number of bytes saved. Leave out this field if the information is not
 * available." It is available, and 0, when the body had no Content-Encoding, so it is written
 * then (as Chrome does); it is left out when the body was encoded and could not be decoded.
 */
function compressionOf(info: BodyInfo): number | undefined {
  const encoding = info.contentEncoding?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return 0;
  return info.decodedSizeBytes === undefined ? undefined : info.decodedSizeBytes - info.sizeBytes;
}

/** HAR content: size is the decoded size, compression the bytes saved by Content-Encoding. */
function content(
  info: BodyInfo,
  mimeType: string,
  body: LoadedBody,
  redact: boolean,
  maxBodyBytes: number,
): HarContent {
  const decodedSize = info.decodedSizeBytes ?? info.sizeBytes;
  const result: HarContent = { size: decodedSize, mimeType };
  const compression = compressionOf(info);
  if (compression !== undefined) result.compression = compression;
  if (info.sizeBytes === 0) return result;
  const payload = body.payload;
  if (!payload) {
    result.comment = body.error ? `body unavailable: ${body.error}` : 'body not captured';
    return result;
  }
  const bytes = Buffer.from(payload.base64, 'base64');
  if (bytes.length > maxBodyBytes) {
    result.comment = `body of ${bytes.length} bytes left out: larger than the export limit of ${maxBodyBytes} bytes`;
    return result;
  }
  if (payload.decoded || !info.contentEncoding) {
    const { text, encoding } = bodyText(bytes, mimeType);
    result.text = encoding ? text : redact ? redactBodyText(text, mimeType) : text;
    if (encoding) result.encoding = encoding;
  } else {
    // Decoding failed: the bytes as received, said plainly, rather than garbage as text.
    result.text = bytes.toString('base64');
    result.encoding = 'base64';
    result.comment = `body kept as received (Content-Encoding: ${info.contentEncoding}; it could not be decoded)`;
  }
  if (payload.truncated || info.truncated) {
    const note = `truncated${because(info)}: the first ${bytes.length} bytes only`;
    result.comment = result.comment ? `${result.comment}; ${note}` : note;
  }
  return result;
}

/** ` (the disk fell behind)`: why a body is cut, for the HAR's comment; empty when not known. */
function because(info: BodyInfo): string {
  return info.truncatedReason ? ` (${TRUNCATED_BECAUSE[info.truncatedReason]})` : '';
}

function harError(error: NetlensError): HarError {
  const field: HarError = {
    class: error.class,
    phase: error.phase,
    elapsedMs: error.elapsedMs,
    message: error.message,
  };
  if (error.detail !== undefined) field.detail = error.detail;
  if (error.code !== undefined) field.code = error.code;
  return field;
}

function harBody(info: BodyInfo): HarNetlensBody {
  const body: HarNetlensBody = {
    sizeBytes: info.sizeBytes,
    capturedBytes: info.capturedBytes,
    truncated: info.truncated,
  };
  if (info.decodedSizeBytes !== undefined) body.decodedSizeBytes = info.decodedSizeBytes;
  if (info.truncated && info.truncatedReason !== undefined) body.truncatedReason = info.truncatedReason;
  if (info.contentType !== undefined) body.contentType = info.contentType;
  if (info.contentEncoding !== undefined) body.contentEncoding = info.contentEncoding;
  return body;
}

function harConnection(connection: ConnectionInfo): HarNetlensConnection | undefined {
  const field: HarNetlensConnection = {};
  if (connection.clientAddress !== undefined) field.clientAddress = connection.clientAddress;
  if (connection.clientPort !== undefined) field.clientPort = connection.clientPort;
  if (connection.serverIp !== undefined) field.serverIp = connection.serverIp;
  if (connection.serverPort !== undefined) field.serverPort = connection.serverPort;
  if (connection.tls) field.tls = { ...connection.tls };
  if (connection.clientTls) field.clientTls = { ...connection.clientTls };
  return Object.keys(field).length > 0 ? field : undefined;
}

function netlensField(
  exchange: Exchange,
  request: BodyPayload | null,
  response: BodyPayload | null,
): HarNetlens {
  const field: HarNetlens = {
    id: exchange.id,
    connectionReused: exchange.connection.reused,
    kind: exchange.kind,
    state: exchange.state,
    seq: exchange.seq,
  };
  if (exchange.durationMs !== undefined) field.durationMs = exchange.durationMs;
  if (exchange.source !== undefined) field.source = exchange.source;
  if (exchange.replayOf !== undefined) field.replayOf = exchange.replayOf;
  if (exchange.retry) field.retry = { chainId: exchange.retry.chainId, attempt: exchange.retry.attempt };
  if (exchange.rule)
    field.rule = {
      id: exchange.rule.ruleId,
      name: exchange.rule.ruleName,
      actions: [...exchange.rule.actions],
      ...(exchange.rule.alsoRules
        ? { also: exchange.rule.alsoRules.map((r) => ({ id: r.ruleId, name: r.ruleName })) }
        : {}),
    };
  const requestTruncated = exchange.request.body.truncated || request?.truncated === true;
  const responseTruncated = exchange.response?.body.truncated === true || response?.truncated === true;
  if (requestTruncated || responseTruncated) {
    field.truncated = {
      ...(requestTruncated ? { request: true as const } : {}),
      ...(responseTruncated ? { response: true as const } : {}),
    };
  }
  if (exchange.request.clientHeaders) field.clientHeaders = nameValues(exchange.request.clientHeaders);
  if (exchange.traceId !== undefined) field.traceId = exchange.traceId;
  // What standard HAR fields cannot carry, so a NetLens HAR imports back without loss.
  const connection = harConnection(exchange.connection);
  if (connection) field.connectionInfo = connection;
  field.bodies = {
    request: harBody(exchange.request.body),
    ...(exchange.response ? { response: harBody(exchange.response.body) } : {}),
  };
  if (exchange.tunnel) field.tunnel = { ...exchange.tunnel };
  if (exchange.websocket) {
    const { frames, ...counts } = exchange.websocket;
    field.websocket = { ...counts, ...(frames ? { frames: frames.map((f) => ({ ...f })) } : {}) };
  }
  const { trailers: requestTrailers } = exchange.request;
  const responseTrailers = exchange.response?.trailers;
  if (requestTrailers || responseTrailers) {
    field.trailers = {
      ...(requestTrailers ? { request: nameValues(requestTrailers) } : {}),
      ...(responseTrailers ? { response: nameValues(responseTrailers) } : {}),
    };
  }
  if (exchange.http2) field.http2 = structuredClone(exchange.http2);
  if (exchange.grpc) field.grpc = structuredClone(exchange.grpc);
  return field;
}

/**
 * Chrome's `_webSocketMessages`: the text and binary frames, `time` in epoch seconds, binary
 * data in base64 (as Chrome writes it); the whole log, control frames included, is in
 * `_netlens.websocket.frames`.
 */
function chromeWebSocketMessages(frames: readonly WebSocketFrame[]): HarWebSocketMessage[] {
  return frames
    .filter((frame) => frame.opcode === 1 || frame.opcode === 2)
    .map((frame) => ({
      type: frame.direction,
      time: frame.timeMs / 1000,
      opcode: frame.opcode,
      data: frame.data,
    }));
}
