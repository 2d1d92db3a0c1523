/**
 * A validated HarEntry → an Exchange and its bodies: one small mapper per part. The entry is
 * already typed (harValidation.ts); what is left here is meaning: HAR's `-1` and the tools'
 * conventions become NetLens' `undefined`, ssl comes out of connect, a recorded failure is
 * classified only on unambiguous evidence (analysis/recordedFailure.ts).
 */
import type { FailurePhase, NetlensError } from '../../../shared/errors.js';
import type {
  HarEntry,
  HarNetlens,
  HarNetlensBody,
  HarNetlensConnection,
  HarNetlensTls,
  HarPostData,
  HarTimings,
  HarWebSocketMessage,
} from '../../../shared/har.js';
import type {
  BodyInfo,
  ConnectionInfo,
  Exchange,
  ExchangeKind,
  ExchangeState,
  Header,
  RequestInfo,
  ResponseInfo,
  TlsInfo,
  WebSocketInfo,
} from '../../../shared/model.js';
import { headerValue } from '../../../shared/model.js';
import type { Timings } from '../../../shared/timing.js';
import { timingPhaseOf } from '../../../shared/timing.js';
import { parseHostPort, urlHostPort, type HostPort } from '../../../shared/address.js';
import { failure } from '../analysis/diagnose.js';
import { classifyRecordedFailure } from '../analysis/recordedFailure.js';

/** What one import run remembers across entries (small: ids and connection ids). */
export interface HarImportContext {
  /** Prefix of the ids of entries without `_netlens.id`. */
  idPrefix: string;
  /** HAR 1.2 counts ssl inside connect; mitmproxy measures it after (its savehar addon). */
  sslInsideConnect: boolean;
  /** The tool that wrote the file, for messages: `Chrome`, `mitmproxy`… */
  tool: string;
  usedIds: Set<string>;
  seenConnections: Set<string>;
}

export interface MappedEntry {
  exchange: Exchange;
  requestBody?: Buffer;
  responseBody?: Buffer;
}

/** HAR numbers are ms with µs precision; keep differences free of float noise. */
function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** HAR's `-1` (and any negative) is "did not happen". */
function happened(value: number | undefined): number | undefined {
  return value === undefined || value < 0 ? undefined : value;
}

export function exchangeTimings(har: HarTimings, sslInsideConnect: boolean): Timings {
  const timings: Timings = {};
  const set = (key: keyof Timings, value: number | undefined) => {
    if (value !== undefined) timings[key] = value;
  };
  const connect = happened(har.connect);
  const ssl = happened(har.ssl);
  set('blocked', happened(har.blocked));
  set('dns', happened(har.dns));
  // HAR 1.2: ssl is included in connect; NetLens keeps the TCP handshake alone in `connect`.
  set(
    'connect',
    connect !== undefined && sslInsideConnect && ssl !== undefined && connect >= ssl
      ? roundMs(connect - ssl)
      : connect,
  );
  set('ssl', ssl);
  set('send', happened(har.send));
  set('wait', happened(har.wait));
  set('receive', happened(har.receive));
  return timings;
}

/**
 * The timing phase a failure phase counts its time in. The schemas work moves this mapping to
 * shared/ (one table for every caller); until then it lives here, once.
 */
const PHASE_ORDER: (keyof Timings)[] = ['dns', 'connect', 'ssl', 'send', 'wait', 'receive'];

/** HAR writes 0 for send, wait, receive not reached; NetLens says "did not happen". */
function dropUnreachedPhases(timings: Timings, failedIn: FailurePhase | undefined): void {
  const failedPhase = failedIn === undefined ? undefined : timingPhaseOf(failedIn);
  const failedAt = failedPhase === undefined ? -1 : PHASE_ORDER.indexOf(failedPhase);
  for (let i = Math.max(failedAt + 1, PHASE_ORDER.indexOf('send')); i < PHASE_ORDER.length; i++) {
    const key = PHASE_ORDER[i]!;
    if (timings[key] === 0) delete timings[key];
  }
}

/** The failure phase the timings point at: the last phase given time, else DNS (nothing reached). */
function failurePhaseFromTimings(timings: Timings, hasResponse: boolean): FailurePhase {
  if (hasResponse) return 'receive';
  for (let i = PHASE_ORDER.length - 1; i >= 0; i--) {
    const key = PHASE_ORDER[i]!;
    const value = timings[key];
    if (value !== undefined && value > 0) return key === 'ssl' ? 'tls' : (key as FailurePhase);
  }
  return 'dns';
}

function hostAndPort(url: string): HostPort {
  try {
    return urlHostPort(new URL(url));
  } catch {
    // A CONNECT entry's url may be a bare authority.
    return parseHostPort(url) ?? { host: url, port: 0 };
  }
}

function headers(list: readonly { name: string; value: string }[]): Header[] {
  return list.map(({ name, value }) => ({ name, value }));
}

function decodeText(text: string | undefined, encoding: string | undefined): Buffer | undefined {
  if (text === undefined) return undefined;
  return encoding?.toLowerCase() === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}

/** Charles writes form bodies as params only: the urlencoded text they stand for. */
function postDataBytes(data: HarPostData | undefined): Buffer | undefined {
  if (!data) return undefined;
  const text = decodeText(data.text, data.encoding);
  if (text !== undefined && (text.length > 0 || !data.params?.length)) return text;
  if (!data.params?.length) return undefined;
  return Buffer.from(
    data.params.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value ?? '')}`).join('&'),
  );
}

function bodyInfo(body: HarNetlensBody): BodyInfo {
  const info: BodyInfo = {
    sizeBytes: body.sizeBytes,
    capturedBytes: body.capturedBytes,
    truncated: body.truncated,
  };
  if (body.decodedSizeBytes !== undefined) info.decodedSizeBytes = body.decodedSizeBytes;
  if (body.truncated && body.truncatedReason !== undefined) info.truncatedReason = body.truncatedReason;
  if (body.contentType !== undefined) info.contentType = body.contentType;
  if (body.contentEncoding !== undefined) info.contentEncoding = body.contentEncoding;
  return info;
}

function requestOf(entry: HarEntry, netlens: HarNetlens | undefined): { info: RequestInfo; body?: Buffer } {
  const har = entry.request;
  const body = postDataBytes(har.postData);
  const mimeType = har.postData?.mimeType;
  const info: RequestInfo = {
    method: har.method,
    url: har.url,
    httpVersion: har.httpVersion,
    headers: headers(har.headers),
    body: netlens?.bodies
      ? bodyInfo(netlens.bodies.request)
      : {
          sizeBytes: happened(har.bodySize) ?? body?.length ?? 0,
          capturedBytes: body?.length ?? 0,
          truncated: false,
          ...(mimeType ? { contentType: mimeType } : {}),
        },
  };
  if (netlens?.clientHeaders) info.clientHeaders = headers(netlens.clientHeaders);
  return body && body.length > 0 ? { info, body } : { info };
}

/**
 * Sizes as NetLens means them: sizeBytes the message body as received (content-coded, without
 * chunked framing), decodedSizeBytes after Content-Encoding. Tools disagree on HAR's sizes:
 * Chrome's bodySize includes chunk framing, Firefox's the headers, mitmproxy's content.size is
 * the encoded size. Without a Content-Encoding, content.size is the payload; with one, bodySize is.
 */
function responseBodyInfo(entry: HarEntry, responseHeaders: Header[], body: Buffer | undefined): BodyInfo {
  const { content, bodySize } = entry.response;
  const encoding = headerValue(responseHeaders, 'content-encoding');
  const encoded = encoding !== undefined && encoding.trim().toLowerCase() !== 'identity';
  const contentSize = happened(content.size);
  const wireSize = happened(bodySize);
  const sizeBytes = encoded
    ? (wireSize ?? contentSize ?? body?.length ?? 0)
    : (contentSize ?? wireSize ?? body?.length ?? 0);
  const decodedSize = !encoded
    ? undefined
    : contentSize !== undefined && contentSize !== sizeBytes
      ? contentSize
      : body !== undefined && body.length !== sizeBytes
        ? body.length
        : undefined;
  const contentType = content.mimeType || headerValue(responseHeaders, 'content-type');
  return {
    sizeBytes,
    capturedBytes: body?.length ?? 0,
    truncated: false,
    ...(decodedSize !== undefined ? { decodedSizeBytes: decodedSize } : {}),
    ...(contentType ? { contentType } : {}),
    ...(encoding !== undefined ? { contentEncoding: encoding } : {}),
  };
}

/** A response with status 0 is Chrome's (and Firefox's, mitmproxy's) "no response". */
function responseOf(
  entry: HarEntry,
  netlens: HarNetlens | undefined,
): { info?: ResponseInfo; body?: Buffer } {
  const har = entry.response;
  if (har.status <= 0) return {};
  const responseHeaders = headers(har.headers);
  const body = decodeText(har.content.text, har.content.encoding);
  const info: ResponseInfo = {
    status: har.status,
    statusText: har.statusText,
    httpVersion: har.httpVersion,
    headers: responseHeaders,
    body: netlens?.bodies?.response
      ? bodyInfo(netlens.bodies.response)
      : responseBodyInfo(entry, responseHeaders, body),
  };
  return body && body.length > 0 ? { info, body } : { info };
}

/** The tool's name for messages, from `log.creator.name`. */
export function toolName(creator: string): string {
  if (/^WebInspector$/i.test(creator)) return 'Chrome';
  if (/mitmproxy/i.test(creator)) return 'mitmproxy';
  if (/charles/i.test(creator)) return 'Charles';
  return creator.trim() || 'The recording tool';
}

function errorOf(
  entry: HarEntry,
  timings: Timings,
  hasResponse: boolean,
  elapsedMs: number,
): NetlensError | undefined {
  const target = hostAndPort(entry.request.url);
  const own = entry._error;
  if (own) {
    const error: NetlensError = {
      class: own.class,
      phase: own.phase,
      elapsedMs: own.elapsedMs,
      message: own.message,
    };
    if (own.detail !== undefined) error.detail = own.detail;
    if (own.code !== undefined) error.code = own.code;
    if (error.message === '')
      error.message = failure(own.class, { ...target, phase: own.phase, elapsedMs: own.elapsedMs }).message;
    return error;
  }
  const text = entry.response._error?.trim();
  if (text) {
    const recorded = classifyRecordedFailure(text, { hasResponse });
    const phase = recorded.phase ?? failurePhaseFromTimings(timings, hasResponse);
    // For certificates the detail is the problem; for the rest the tool's own words.
    const detail = recorded.detail ?? text;
    return failure(recorded.errorClass, {
      ...target,
      phase,
      elapsedMs,
      detail,
      ...(recorded.code !== undefined ? { code: recorded.code } : {}),
    });
  }
  return undefined;
}

/** No response and no error: the tool saw none. Say so, rather than guess a cause. */
function noResponseFailure(entry: HarEntry, timings: Timings, elapsedMs: number, tool: string): NetlensError {
  const { host, port } = hostAndPort(entry.request.url);
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    class: 'unclassified',
    phase: failurePhaseFromTimings(timings, false),
    elapsedMs: Math.max(0, Math.round(elapsedMs)),
    message:
      `${tool} recorded no response and no error for this request to ${target} (after ${Math.round(elapsedMs)} ms). ` +
      'It saw none: the request was cancelled, blocked, or still pending when the file was saved.',
    detail: 'no response in HAR',
  };
}

function tlsOf(tls: HarNetlensTls): TlsInfo {
  const info: TlsInfo = {};
  if (tls.protocol !== undefined) info.protocol = tls.protocol;
  if (tls.cipher !== undefined) info.cipher = tls.cipher;
  if (tls.alpn !== undefined) info.alpn = tls.alpn;
  if (tls.servername !== undefined) info.servername = tls.servername;
  if (tls.certificate)
    info.certificate = { ...tls.certificate, subjectAltNames: [...tls.certificate.subjectAltNames] };
  if (tls.verificationDisabled !== undefined) info.verificationDisabled = tls.verificationDisabled;
  return info;
}

function connectionOf(
  entry: HarEntry,
  index: number,
  timings: Timings,
  netlens: HarNetlens | undefined,
  context: HarImportContext,
): ConnectionInfo {
  const id = entry.connection ?? `${context.idPrefix}conn-${index}`;
  const extra: HarNetlensConnection = netlens?.connectionInfo ?? {};
  const connection: ConnectionInfo = {
    id,
    // Without NetLens' flag: a connection seen before, and no connect this time, was reused.
    reused: netlens
      ? netlens.connectionReused
      : timings.connect === undefined && context.seenConnections.has(id),
  };
  context.seenConnections.add(id);
  if (extra.clientAddress !== undefined) connection.clientAddress = extra.clientAddress;
  if (extra.clientPort !== undefined) connection.clientPort = extra.clientPort;
  const serverIp = extra.serverIp ?? entry.serverIPAddress;
  if (serverIp !== undefined) connection.serverIp = serverIp;
  // NetLens' own files say which port it connected to (none, if it never got that far).
  const serverPort = netlens ? extra.serverPort : hostAndPort(entry.request.url).port;
  if (serverPort !== undefined && serverPort > 0) connection.serverPort = serverPort;
  if (extra.tls) connection.tls = tlsOf(extra.tls);
  if (extra.clientTls) connection.clientTls = tlsOf(extra.clientTls);
  return connection;
}

function kindOf(
  entry: HarEntry,
  netlens: HarNetlens | undefined,
  response: ResponseInfo | undefined,
): ExchangeKind {
  if (netlens?.kind) return netlens.kind;
  if (entry._resourceType === 'websocket' || entry._webSocketMessages) return 'websocket';
  if (response?.status === 101 && /websocket/i.test(headerValue(response.headers, 'upgrade') ?? ''))
    return 'websocket';
  return entry.request.method.toUpperCase() === 'CONNECT' ? 'tunnel' : 'http';
}

/** Chrome's and mitmproxy's `_webSocketMessages` ({type: send|receive, time, opcode, data}) → counts and frames. */
function webSocketFromMessages(messages: readonly HarWebSocketMessage[]): WebSocketInfo {
  const info: WebSocketInfo = {
    messagesFromClient: 0,
    messagesFromServer: 0,
    bytesFromClient: 0,
    bytesFromServer: 0,
    frames: [],
  };
  for (const message of messages) {
    if (message.type === 'send' || message.type === 'receive') {
      // Chrome: opcode 1 text, 2 binary (its data in base64); time in epoch seconds.
      const binary = message.opcode === 2;
      info.frames!.push({
        direction: message.type,
        timeMs: Math.round((message.time ?? 0) * 1e6) / 1e3,
        opcode: message.opcode ?? 1,
        sizeBytes: binary ? Buffer.from(message.data, 'base64').length : Buffer.byteLength(message.data),
        data: message.data,
        ...(binary ? { encoding: 'base64' as const } : {}),
      });
    }
    const bytes = Buffer.byteLength(message.data);
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

/** A unique id: the NetLens id when there is one. */
function idOf(netlens: HarNetlens | undefined, index: number, context: HarImportContext): string {
  let id = netlens?.id ?? `${context.idPrefix}${index}`;
  if (context.usedIds.has(id)) id = `${id}-${index}`;
  context.usedIds.add(id);
  return id;
}

export function harEntryToExchange(entry: HarEntry, index: number, context: HarImportContext): MappedEntry {
  const netlens = entry._netlens;
  const timings = exchangeTimings(entry.timings, context.sslInsideConnect);
  const phaseSum = Object.values(timings).reduce((sum, v) => sum + (v ?? 0), 0);
  const elapsedMs = netlens?.durationMs ?? happened(entry.time) ?? phaseSum;
  const request = requestOf(entry, netlens);
  const response = responseOf(entry, netlens);

  let error = errorOf(entry, timings, response.info !== undefined, elapsedMs);
  const state: ExchangeState = netlens?.state ?? (error || !response.info ? 'failed' : 'complete');
  if (state === 'failed' && !error && !response.info)
    error = noResponseFailure(entry, timings, elapsedMs, context.tool);
  if (error || state === 'pending') dropUnreachedPhases(timings, error?.phase);

  const exchange: Exchange = {
    id: idOf(netlens, index, context),
    seq: netlens?.seq ?? index + 1,
    kind: kindOf(entry, netlens, response.info),
    state,
    startedAtMs: Date.parse(entry.startedDateTime),
    request: request.info,
    timings,
    connection: connectionOf(entry, index, timings, netlens, context),
  };
  if (state !== 'pending') exchange.durationMs = elapsedMs;
  if (response.info) exchange.response = response.info;
  if (error) exchange.error = error;
  if (netlens) applyNetlens(exchange, netlens);
  if (!exchange.websocket && entry._webSocketMessages)
    exchange.websocket = webSocketFromMessages(entry._webSocketMessages);
  return {
    exchange,
    ...(request.body ? { requestBody: request.body } : {}),
    ...(response.body ? { responseBody: response.body } : {}),
  };
}

/** The `_netlens` fields the standard HAR fields cannot carry. */
function applyNetlens(exchange: Exchange, netlens: HarNetlens): void {
  if (netlens.retry) exchange.retry = { chainId: netlens.retry.chainId, attempt: netlens.retry.attempt };
  if (netlens.rule)
    exchange.rule = {
      ruleId: netlens.rule.id,
      ruleName: netlens.rule.name,
      actions: [...netlens.rule.actions],
      ...(netlens.rule.also
        ? { alsoRules: netlens.rule.also.map((r) => ({ ruleId: r.id, ruleName: r.name })) }
        : {}),
    };
  if (netlens.source !== undefined) exchange.source = netlens.source;
  if (netlens.replayOf !== undefined) exchange.replayOf = netlens.replayOf;
  if (netlens.traceId !== undefined) exchange.traceId = netlens.traceId;
  if (netlens.tunnel) exchange.tunnel = { ...netlens.tunnel };
  if (netlens.websocket) exchange.websocket = { ...netlens.websocket };
  if (netlens.trailers?.request) exchange.request.trailers = headers(netlens.trailers.request);
  if (netlens.trailers?.response && exchange.response)
    exchange.response.trailers = headers(netlens.trailers.response);
  if (netlens.http2) exchange.http2 = structuredClone(netlens.http2);
  if (netlens.grpc) exchange.grpc = { ...netlens.grpc };
  if (netlens.truncated?.request) exchange.request.body.truncated = true;
  if (netlens.truncated?.response && exchange.response) exchange.response.body.truncated = true;
}
