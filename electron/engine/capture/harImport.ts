/**
 * HAR → exchanges. Accepts HAR 1.2 as Chrome, Firefox, mitmproxy, Charles (and NetLens) write
 * it, each with its quirks: Chrome's `_error` strings, bracketed IPv6 `serverIPAddress` and
 * `-1` sizes; Firefox's `0` timings for phases that did not happen and content without text;
 * mitmproxy's `null` timings, empty `content` on failed flows, ssl outside connect and
 * `+00:00` dates; Charles' `redirectURL: null` and `_charlesStatus`. A file that is not HAR
 * is rejected with a HarImportError naming what is wrong and where; a bad entry is skipped
 * with its reason and the rest imported.
 */
import type { CertProblem, ErrorClass, FailurePhase, NetlensError } from '../../../shared/errors.js';
import { isErrorClass, FAILURE_PHASES } from '../../../shared/errors.js';
import type {
  BodyInfo,
  CertificateSummary,
  ConnectionInfo,
  Exchange,
  ExchangeKind,
  ExchangeState,
  Header,
  RequestInfo,
  ResponseInfo,
  RuleActionInfo,
  TlsInfo,
  TunnelInfo,
  WebSocketInfo,
} from '../../../shared/model.js';
import { headerValue } from '../../../shared/model.js';
import type { Timings } from '../../../shared/timing.js';
import { failure } from '../analysis/diagnose.js';
import { hostPort, parseHostPort, unbracketHost, urlHostPort } from '../../../shared/address.js';
import { timingPhaseOf } from '../../../shared/timing.js';
import { formatDurationMs } from '../../../shared/format.js';

export class HarImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarImportError';
  }
}

export interface HarImportResult {
  /** The usable entries, in file order. */
  exchanges: Exchange[];
  /** Bodies by exchange id: the request's postData and the response's content, decoded. */
  bodies: Map<string, { request?: Buffer; response?: Buffer }>;
  skipped: { index: number; reason: string }[];
}

export interface HarImportOptions {
  /** Prefix of the ids given to entries that carry no `_netlens.id`. Default `har-`. */
  idPrefix?: string;
}

type Json = Record<string, unknown>;

/** An entry that cannot be used: skipped with this message. */
class EntryError extends Error {}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Where a JSON text first goes wrong: JSON.parse reports a position on some Node versions
 * only, and a line and column are what a user needs to fix a large file.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}

function jsonErrorMessage(text: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  let offset: number;
  try {
    offset = jsonErrorOffset(text);
  } catch {
    return message; // nesting too deep for the scanner's recursion: the message alone will do
  }
  if (offset < 0) return message;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

export function parseHar(text: string, options: HarImportOptions = {}): HarImportResult {
  // Some Windows tools write a UTF-8 byte order mark, which JSON.parse rejects.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (source.trim() === '')
    throw new HarImportError('The file is empty: a HAR file is a JSON document {"log": {...}}.');
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch (error) {
    throw new HarImportError(`The file is not valid JSON: ${jsonErrorMessage(source, error)}.`);
  }
  if (!isObject(document)) {
    throw new HarImportError(`The file is ${describeType(document)}, not a HAR object {"log": {...}}.`);
  }
  const log = document.log;
  if (log === undefined) {
    throw new HarImportError(
      'log is missing: this JSON is not a HAR file (a HAR file is {"log": {"entries": [...]}}).',
    );
  }
  if (!isObject(log)) throw new HarImportError(`log is ${describeType(log)}, not an object.`);
  if (log.entries === undefined) throw new HarImportError('log.entries is missing.');
  if (!Array.isArray(log.entries))
    throw new HarImportError(`log.entries is ${describeType(log.entries)}, not an array.`);

  const creator = isObject(log.creator) && typeof log.creator.name === 'string' ? log.creator.name : '';
  const context: ImportContext = {
    idPrefix: options.idPrefix ?? 'har-',
    // mitmproxy measures ssl after connect, not inside it (its savehar addon).
    sslInsideConnect: !/mitmproxy/i.test(creator),
    usedIds: new Set(),
    seenConnections: new Set(),
  };
  const result: HarImportResult = { exchanges: [], bodies: new Map(), skipped: [] };
  log.entries.forEach((raw, index) => {
    try {
      const { exchange, requestBody, responseBody } = toExchange(raw, index, context);
      result.exchanges.push(exchange);
      if (requestBody || responseBody) {
        result.bodies.set(exchange.id, {
          ...(requestBody ? { request: requestBody } : {}),
          ...(responseBody ? { response: responseBody } : {}),
        });
      }
    } catch (error) {
      if (!(error instanceof EntryError)) throw error;
      result.skipped.push({ index, reason: error.message });
    }
  });
  return result;
}

interface ImportContext {
  idPrefix: string;
  sslInsideConnect: boolean;
  usedIds: Set<string>;
  seenConnections: Set<string>;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** A phase duration: HAR's -1 (and mitmproxy's null) mean "did not happen". */
function phase(value: unknown): number | undefined {
  const n = num(value);
  return n === undefined || n < 0 ? undefined : n;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nameValueList(value: unknown, where: string): Header[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new EntryError(`${where} is ${describeType(value)}, not an array`);
  const list: Header[] = [];
  value.forEach((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string')
      throw new EntryError(`${where}[${i}].name is missing`);
    const v = item.value;
    list.push({
      name: item.name,
      value: typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v),
    });
  });
  return list;
}

function decodeText(text: unknown, encoding: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  if (typeof encoding === 'string' && encoding.toLowerCase() === 'base64') return Buffer.from(text, 'base64');
  return Buffer.from(text, 'utf8');
}

function timingsOf(raw: unknown, sslInsideConnect: boolean): Timings {
  if (!isObject(raw)) return {};
  const timings: Timings = {};
  const set = (key: keyof Timings, value: number | undefined) => {
    if (value !== undefined) timings[key] = value;
  };
  set('blocked', phase(raw.blocked));
  set('dns', phase(raw.dns));
  const connect = phase(raw.connect);
  const ssl = phase(raw.ssl);
  set('ssl', ssl);
  // HAR 1.2: ssl is included in connect; NetLens keeps the TCP handshake alone in `connect`.
  if (connect !== undefined)
    set('connect', sslInsideConnect && ssl !== undefined && connect >= ssl ? connect - ssl : connect);
  set('send', phase(raw.send));
  set('wait', phase(raw.wait));
  set('receive', phase(raw.receive));
  return timings;
}

function hostAndPort(url: string): { host: string; port: number } {
  // CONNECT targets are `host:port` (which URL would read as a scheme), so they go first.
  const authority = parseHostPort(url);
  if (authority) return authority;
  try {
    return urlHostPort(new URL(url));
  } catch {
    return { host: url, port: 0 };
  }
}

/** Chrome's `net::ERR_*` names (net/base/net_error_list.h) → the NetLens taxonomy. */
const CHROME_ERRORS: Record<string, { errorClass: ErrorClass; phase: FailurePhase; detail?: CertProblem }> = {
  ERR_NAME_NOT_RESOLVED: { errorClass: 'dns_not_found', phase: 'dns' },
  ERR_NAME_RESOLUTION_FAILED: { errorClass: 'dns_not_found', phase: 'dns' },
  ERR_DNS_TIMED_OUT: { errorClass: 'dns_timeout', phase: 'dns' },
  ERR_CONNECTION_REFUSED: { errorClass: 'connect_refused', phase: 'connect' },
  ERR_CONNECTION_TIMED_OUT: { errorClass: 'connect_timeout', phase: 'connect' },
  ERR_ADDRESS_UNREACHABLE: { errorClass: 'host_unreachable', phase: 'connect' },
  ERR_NETWORK_UNREACHABLE: { errorClass: 'host_unreachable', phase: 'connect' },
  ERR_INTERNET_DISCONNECTED: { errorClass: 'host_unreachable', phase: 'connect' },
  ERR_ADDRESS_INVALID: { errorClass: 'host_unreachable', phase: 'connect' },
  ERR_CERT_DATE_INVALID: { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'expired' },
  ERR_CERT_AUTHORITY_INVALID: { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'unknown_ca' },
  ERR_CERT_COMMON_NAME_INVALID: { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'hostname_mismatch' },
  ERR_CERT_REVOKED: { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'revoked' },
  ERR_CERT_INVALID: { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'other' },
  ERR_SSL_PROTOCOL_ERROR: { errorClass: 'tls_handshake_failed', phase: 'tls' },
  ERR_SSL_VERSION_OR_CIPHER_MISMATCH: { errorClass: 'tls_handshake_failed', phase: 'tls' },
  ERR_BAD_SSL_CLIENT_AUTH_CERT: { errorClass: 'tls_handshake_failed', phase: 'tls' },
  ERR_CONNECTION_RESET: { errorClass: 'connection_reset', phase: 'wait' },
  ERR_CONNECTION_CLOSED: { errorClass: 'connection_reset', phase: 'wait' },
  ERR_CONNECTION_ABORTED: { errorClass: 'connection_reset', phase: 'wait' },
  ERR_EMPTY_RESPONSE: { errorClass: 'connection_reset', phase: 'wait' },
  ERR_TIMED_OUT: { errorClass: 'response_timeout', phase: 'wait' },
  ERR_INCOMPLETE_CHUNKED_ENCODING: { errorClass: 'incomplete_response', phase: 'receive' },
  ERR_CONTENT_LENGTH_MISMATCH: { errorClass: 'incomplete_response', phase: 'receive' },
  ERR_INVALID_HTTP_RESPONSE: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_RESPONSE_HEADERS_TOO_BIG: { errorClass: 'protocol_error', phase: 'wait' },
  ERR_INVALID_CHUNKED_ENCODING: { errorClass: 'protocol_error', phase: 'receive' },
  ERR_ABORTED: { errorClass: 'client_aborted', phase: 'wait' },
  ERR_BLOCKED_BY_CLIENT: { errorClass: 'client_aborted', phase: 'request' },
};

/** Free-text errors (mitmproxy's `flow.error.msg`, other tools) → the closest class. */
function classifyText(text: string): { errorClass: ErrorClass; phase: FailurePhase; detail?: CertProblem } {
  const chrome = /(?:net::)?(ERR_[A-Z_]+)/.exec(text);
  if (chrome) {
    const known = CHROME_ERRORS[chrome[1]!];
    if (known) return known;
    if (chrome[1]!.startsWith('ERR_CERT_'))
      return { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'other' };
    if (chrome[1]!.startsWith('ERR_SSL_')) return { errorClass: 'tls_handshake_failed', phase: 'tls' };
  }
  const t = text.toLowerCase();
  if (
    /name or service not known|nodename nor servname|no address associated|getaddrinfo|enotfound|could not resolve/.test(
      t,
    )
  ) {
    return { errorClass: 'dns_not_found', phase: 'dns' };
  }
  if (/refused|connect call failed|errno 111\b/.test(t))
    return { errorClass: 'connect_refused', phase: 'connect' };
  if (/unreachable|no route/.test(t)) return { errorClass: 'host_unreachable', phase: 'connect' };
  if (/certificate/.test(t)) return { errorClass: 'tls_cert_invalid', phase: 'tls', detail: 'other' };
  if (/\btls\b|\bssl\b|handshake/.test(t)) return { errorClass: 'tls_handshake_failed', phase: 'tls' };
  if (/timed? ?out/.test(t)) return { errorClass: 'response_timeout', phase: 'wait' };
  if (/abort|cancel/.test(t)) return { errorClass: 'client_aborted', phase: 'wait' };
  return { errorClass: 'connection_reset', phase: 'wait' };
}

function errorOf(
  entry: Json,
  response: Json | undefined,
  url: string,
  elapsedMs: number,
  netlens: Json | undefined,
): NetlensError | undefined {
  const own = entry._error;
  if (isObject(own) && isErrorClass(own.class)) {
    const phaseValue = (FAILURE_PHASES as readonly string[]).includes(String(own.phase))
      ? (own.phase as FailurePhase)
      : 'wait';
    const error: NetlensError = {
      class: own.class,
      phase: phaseValue,
      elapsedMs: num(own.elapsedMs) ?? elapsedMs,
      message: str(own.message) ?? '',
    };
    if (typeof own.detail === 'string') error.detail = own.detail;
    const code = netlens ? str(netlens.errorCode) : undefined;
    if (code !== undefined) error.code = code;
    if (error.message === '')
      error.message = failure(error.class, {
        ...hostAndPort(url),
        phase: error.phase,
        elapsedMs: error.elapsedMs,
      }).message;
    return error;
  }
  // Chrome: entry._error = "net::ERR_..."; mitmproxy: response._error = "message" (or null).
  const text = str(own) ?? (response ? str(response._error) : undefined);
  if (text === undefined || text.trim() === '') return undefined;
  const known = classifyText(text);
  return failure(known.errorClass, {
    ...hostAndPort(url),
    phase: known.phase,
    elapsedMs,
    detail: known.detail ?? text,
  });
}

/** HAR has no response (status 0) and no reason: say so, rather than guess a cause. */
function unknownFailure(url: string, elapsedMs: number): NetlensError {
  const { host, port } = hostAndPort(url);
  const target = hostPort(host, port);
  return {
    class: 'client_aborted',
    phase: 'wait',
    elapsedMs,
    message:
      `The HAR file has no response for this request to ${target} and no error (after ${formatDurationMs(elapsedMs)} while waiting for the response). ` +
      'The recording tool saw none: the request was cancelled, blocked, or still pending when the file was saved.',
    detail: 'no response in HAR',
  };
}

function bodyInfoOf(value: unknown): BodyInfo | undefined {
  if (!isObject(value) || num(value.sizeBytes) === undefined) return undefined;
  const info: BodyInfo = {
    sizeBytes: num(value.sizeBytes)!,
    capturedBytes: num(value.capturedBytes) ?? num(value.sizeBytes)!,
    truncated: value.truncated === true,
  };
  if (num(value.decodedSizeBytes) !== undefined) info.decodedSizeBytes = num(value.decodedSizeBytes)!;
  if (typeof value.contentType === 'string') info.contentType = value.contentType;
  if (typeof value.contentEncoding === 'string') info.contentEncoding = value.contentEncoding;
  return info;
}

function stripIp(value: unknown): string | undefined {
  const ip = str(value);
  if (!ip || ip.trim() === '') return undefined;
  // Chrome writes IPv6 in brackets ("[::1]").
  return unbracketHost(ip.trim());
}

function formText(params: unknown): string | undefined {
  if (!Array.isArray(params) || params.length === 0) return undefined;
  return params
    .filter(isObject)
    .map((p) => `${encodeURIComponent(String(p.name ?? ''))}=${encodeURIComponent(String(p.value ?? ''))}`)
    .join('&');
}

function toExchange(
  raw: unknown,
  index: number,
  context: ImportContext,
): { exchange: Exchange; requestBody?: Buffer; responseBody?: Buffer } {
  const at = `log.entries[${index}]`;
  if (!isObject(raw)) throw new EntryError(`${at} is ${describeType(raw)}, not an object`);
  const request = raw.request;
  if (request === undefined || request === null) throw new EntryError(`${at}.request is missing`);
  if (!isObject(request)) throw new EntryError(`${at}.request is ${describeType(request)}, not an object`);
  const url = request.url;
  if (typeof url !== 'string' || url === '') throw new EntryError(`${at}.request.url is missing`);
  const method = request.method;
  if (typeof method !== 'string' || method === '') throw new EntryError(`${at}.request.method is missing`);
  const started = raw.startedDateTime;
  if (typeof started !== 'string') throw new EntryError(`${at}.startedDateTime is missing`);
  const startedAtMs = Date.parse(started);
  if (!Number.isFinite(startedAtMs)) throw new EntryError(`${at}.startedDateTime "${started}" is not a date`);

  const netlens = isObject(raw._netlens) ? raw._netlens : undefined;
  const responseRaw = isObject(raw.response) ? raw.response : undefined;
  const timings = timingsOf(raw.timings, context.sslInsideConnect);
  const phaseSum = Object.values(timings).reduce((sum, v) => sum + (v ?? 0), 0);
  const time = phase(raw.time);
  const elapsedMs = num(netlens?.durationMs) ?? time ?? phaseSum;

  // Ids: the NetLens id when there is one, unique within the file either way.
  let id = typeof netlens?.id === 'string' && netlens.id !== '' ? netlens.id : `${context.idPrefix}${index}`;
  if (context.usedIds.has(id)) id = `${id}-${index}`;
  context.usedIds.add(id);

  const requestHeaders = nameValueList(request.headers, `${at}.request.headers`);
  const bodies = isObject(netlens?.bodies) ? netlens.bodies : undefined;
  const postData = isObject(request.postData) ? request.postData : undefined;
  const requestBody = postData
    ? (decodeText(postData.text, postData.encoding) ??
      (formText(postData.params) !== undefined ? Buffer.from(formText(postData.params)!) : undefined))
    : undefined;
  const requestBodyInfo: BodyInfo = bodyInfoOf(bodies?.request) ?? {
    sizeBytes: phase(request.bodySize) ?? requestBody?.length ?? 0,
    capturedBytes: requestBody?.length ?? 0,
    truncated: false,
    ...(postData && typeof postData.mimeType === 'string' && postData.mimeType !== ''
      ? { contentType: postData.mimeType }
      : {}),
  };
  const requestInfo: RequestInfo = {
    method,
    url,
    httpVersion: str(request.httpVersion) ?? '',
    headers: requestHeaders,
    body: requestBodyInfo,
  };

  // A response with status 0 is Chrome's (and Firefox's, mitmproxy's) "no response".
  let responseInfo: ResponseInfo | undefined;
  let responseBody: Buffer | undefined;
  const status = responseRaw ? num(responseRaw.status) : undefined;
  if (responseRaw && status !== undefined && status > 0) {
    const headers = nameValueList(responseRaw.headers, `${at}.response.headers`);
    const contentRaw = isObject(responseRaw.content) ? responseRaw.content : {};
    responseBody = decodeText(contentRaw.text, contentRaw.encoding);
    const contentSize = phase(contentRaw.size);
    const wireSize = phase(responseRaw.bodySize);
    const mimeType = str(contentRaw.mimeType);
    const encoding = headerValue(headers, 'content-encoding');
    const info: BodyInfo = bodyInfoOf(bodies?.response) ?? {
      sizeBytes: wireSize ?? contentSize ?? responseBody?.length ?? 0,
      capturedBytes: responseBody?.length ?? 0,
      truncated: false,
      ...(contentSize !== undefined && wireSize !== undefined && contentSize !== wireSize
        ? { decodedSizeBytes: contentSize }
        : {}),
      ...(mimeType
        ? { contentType: mimeType }
        : headerValue(headers, 'content-type')
          ? { contentType: headerValue(headers, 'content-type')! }
          : {}),
      ...(encoding ? { contentEncoding: encoding } : {}),
    };
    responseInfo = {
      status,
      statusText: str(responseRaw.statusText) ?? '',
      httpVersion: str(responseRaw.httpVersion) ?? '',
      headers,
      body: info,
    };
  }

  let error = errorOf(raw, responseRaw, url, elapsedMs, netlens);
  const stateRaw = str(netlens?.state);
  const state: ExchangeState =
    stateRaw === 'pending' || stateRaw === 'complete' || stateRaw === 'failed'
      ? stateRaw
      : error || !responseInfo
        ? 'failed'
        : 'complete';
  if (state === 'failed' && !error && !responseInfo) error = unknownFailure(url, elapsedMs);
  // HAR writes 0 for send/wait/receive not reached; NetLens says "did not happen".
  if (error || state === 'pending') dropUnreachedPhases(timings, error?.phase);

  const connectionId =
    typeof raw.connection === 'string' && raw.connection !== ''
      ? raw.connection
      : typeof raw.connection === 'number'
        ? String(raw.connection)
        : `${context.idPrefix}conn-${index}`;
  const extra = connectionExtras(netlens?.connectionInfo);
  const connection: ConnectionInfo = {
    ...extra,
    id: connectionId,
    // Without NetLens' flag: a connection seen before, and no connect this time, was reused.
    reused:
      typeof netlens?.connectionReused === 'boolean'
        ? netlens.connectionReused
        : timings.connect === undefined && context.seenConnections.has(connectionId),
  };
  context.seenConnections.add(connectionId);
  const serverIp = stripIp(raw.serverIPAddress);
  if (serverIp !== undefined && connection.serverIp === undefined) connection.serverIp = serverIp;
  if (connection.serverPort === undefined) {
    const { port } = hostAndPort(url);
    if (port > 0) connection.serverPort = port;
  }

  const kind = kindOf(netlens, raw, method, responseInfo);
  const exchange: Exchange = {
    id,
    seq: num(netlens?.seq) ?? index + 1,
    kind,
    state,
    startedAtMs,
    request: requestInfo,
    timings,
    connection,
  };
  if (state !== 'pending') exchange.durationMs = elapsedMs;
  if (responseInfo) exchange.response = responseInfo;
  if (error) exchange.error = error;
  if (
    isObject(netlens?.retry) &&
    typeof netlens.retry.chainId === 'string' &&
    num(netlens.retry.attempt) !== undefined
  ) {
    exchange.retry = { chainId: netlens.retry.chainId, attempt: num(netlens.retry.attempt)! };
  }
  const rule = ruleOf(netlens?.rule);
  if (rule) exchange.rule = rule;
  const tunnel = tunnelOf(netlens?.tunnel);
  if (tunnel) exchange.tunnel = tunnel;
  const websocket = webSocketOf(netlens?.websocket) ?? webSocketFromMessages(raw._webSocketMessages);
  if (websocket) exchange.websocket = websocket;
  if (typeof netlens?.traceId === 'string') exchange.traceId = netlens.traceId;
  if (isObject(netlens?.truncated)) {
    if (netlens.truncated.request === true) exchange.request.body.truncated = true;
    if (netlens.truncated.response === true && exchange.response) exchange.response.body.truncated = true;
  }
  return {
    exchange,
    ...(requestBody && requestBody.length > 0 ? { requestBody } : {}),
    ...(responseBody && responseBody.length > 0 ? { responseBody } : {}),
  };
}

const PHASE_ORDER: (keyof Timings)[] = ['dns', 'connect', 'ssl', 'send', 'wait', 'receive'];

function dropUnreachedPhases(timings: Timings, failedIn: FailurePhase | undefined): void {
  const failedAt = failedIn === undefined ? -1 : PHASE_ORDER.indexOf(timingPhaseOf(failedIn));
  for (let i = Math.max(failedAt + 1, 3); i < PHASE_ORDER.length; i++) {
    const key = PHASE_ORDER[i]!;
    if (timings[key] === 0) delete timings[key];
  }
}

function kindOf(
  netlens: Json | undefined,
  raw: Json,
  method: string,
  response: ResponseInfo | undefined,
): ExchangeKind {
  const kind = netlens?.kind;
  if (kind === 'http' || kind === 'tunnel' || kind === 'websocket') return kind;
  if (raw._resourceType === 'websocket' || Array.isArray(raw._webSocketMessages)) return 'websocket';
  if (response?.status === 101 && /websocket/i.test(headerValue(response.headers, 'upgrade') ?? ''))
    return 'websocket';
  return method.toUpperCase() === 'CONNECT' ? 'tunnel' : 'http';
}

function ruleOf(value: unknown): RuleActionInfo | undefined {
  if (!isObject(value)) return undefined;
  const ruleId = str(value.id) ?? str(value.ruleId);
  const ruleName = str(value.name) ?? str(value.ruleName);
  const action = str(value.action);
  return ruleId !== undefined && ruleName !== undefined && action !== undefined
    ? { ruleId, ruleName, action }
    : undefined;
}

/*
 * A HAR file is untrusted input: NetLens' own fields are copied field by field, with their
 * types checked, so that a crafted file cannot put an object where the UI expects text.
 */

function pick<T extends object>(
  source: Json,
  fields: Record<string, 'string' | 'number' | 'boolean'>,
): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(fields)) {
    const value = source[key];
    if (typeof value === type && (type !== 'number' || Number.isFinite(value))) out[key] = value;
  }
  return out as Partial<T>;
}

function certificateOf(value: unknown): CertificateSummary | undefined {
  if (!isObject(value)) return undefined;
  const cert = pick<CertificateSummary>(value, {
    subject: 'string',
    issuer: 'string',
    validFromMs: 'number',
    validToMs: 'number',
    fingerprint256: 'string',
    serialNumber: 'string',
  });
  if (cert.subject === undefined || cert.issuer === undefined) return undefined;
  if (cert.validFromMs === undefined || cert.validToMs === undefined) return undefined;
  const names = Array.isArray(value.subjectAltNames)
    ? value.subjectAltNames.filter((n) => typeof n === 'string')
    : [];
  return { ...cert, subjectAltNames: names } as CertificateSummary;
}

function tlsOf(value: unknown): TlsInfo | undefined {
  if (!isObject(value)) return undefined;
  const tls: TlsInfo = pick<TlsInfo>(value, {
    protocol: 'string',
    cipher: 'string',
    alpn: 'string',
    servername: 'string',
    verificationDisabled: 'boolean',
  });
  const certificate = certificateOf(value.certificate);
  if (certificate) tls.certificate = certificate;
  return tls;
}

function connectionExtras(value: unknown): Partial<ConnectionInfo> {
  if (!isObject(value)) return {};
  const extras = pick<ConnectionInfo>(value, {
    clientAddress: 'string',
    clientPort: 'number',
    serverIp: 'string',
    serverPort: 'number',
  });
  const tls = tlsOf(value.tls);
  if (tls) extras.tls = tls;
  const clientTls = tlsOf(value.clientTls);
  if (clientTls) extras.clientTls = clientTls;
  return extras;
}

function tunnelOf(value: unknown): TunnelInfo | undefined {
  if (!isObject(value)) return undefined;
  const reason = value.reason;
  if (reason !== 'pass_through_host' && reason !== 'client_rejected_certificate' && reason !== 'not_tls')
    return undefined;
  return {
    reason,
    bytesFromClient: num(value.bytesFromClient) ?? 0,
    bytesFromServer: num(value.bytesFromServer) ?? 0,
  };
}

function webSocketOf(value: unknown): WebSocketInfo | undefined {
  if (!isObject(value)) return undefined;
  const info: WebSocketInfo = {
    messagesFromClient: num(value.messagesFromClient) ?? 0,
    messagesFromServer: num(value.messagesFromServer) ?? 0,
    bytesFromClient: num(value.bytesFromClient) ?? 0,
    bytesFromServer: num(value.bytesFromServer) ?? 0,
  };
  const closedAtMs = num(value.closedAtMs);
  if (closedAtMs !== undefined) info.closedAtMs = closedAtMs;
  return info;
}

/** Chrome's and mitmproxy's `_webSocketMessages` ({type: send|receive, data}) → counts. */
function webSocketFromMessages(value: unknown): WebSocketInfo | undefined {
  if (!Array.isArray(value)) return undefined;
  const info: WebSocketInfo = {
    messagesFromClient: 0,
    messagesFromServer: 0,
    bytesFromClient: 0,
    bytesFromServer: 0,
  };
  for (const message of value) {
    if (!isObject(message)) continue;
    const bytes = typeof message.data === 'string' ? Buffer.byteLength(message.data) : 0;
    if (message.type === 'send') {
      info.messagesFromClient += 1;
      info.bytesFromClient += bytes;
    } else if (message.type === 'receive') {
      info.messagesFromServer += 1;
      info.bytesFromServer += bytes;
    }
  }
  return info;
}
