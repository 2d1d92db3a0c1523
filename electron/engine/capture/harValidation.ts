/**
 * Parsed JSON → the typed HAR of shared/har.ts, one entry at a time (so an importer can stream a
 * file entry by entry). Every rejection names the JSON path and what is wrong with it:
 * `log.entries[3].timings.wait: expected a number, got "abc"`.
 *
 * What the tools really write is accepted and normalised, not rejected: `null` for a value they
 * do not know (mitmproxy's timings, Charles' redirectURL, Chrome's response._error), fields HAR
 * requires but they leave out (read as HAR's own "unknown": `-1`, `""`, `[]`), Chrome's
 * bracketed IPv6 `serverIPAddress`, numeric `connection` ids, an entry-level `_error` string
 * (older Chrome). A value of the wrong type is rejected: NetLens does not guess what was meant.
 */
import { ERROR_CLASSES, FAILURE_PHASES } from '../../../shared/errors.js';
import { TRUNCATED_REASONS, type TruncatedReason } from '../../../shared/model.js';
import type { GrpcDecodedMessages, GrpcMessageJson } from '../../../shared/grpcMessageJson.js';
import type { GrpcNamesSource } from '../../../shared/grpcMessages.js';
import type {
  HarContent,
  HarCookie,
  HarCreator,
  HarEntry,
  HarError,
  HarLogHead,
  HarNameValue,
  HarNetlens,
  HarNetlensBody,
  HarNetlensCertificate,
  HarNetlensConnection,
  HarNetlensGrpc,
  HarNetlensHttp2,
  HarNetlensHttp2Frame,
  HarNetlensTls,
  HarNetlensWebSocketFrame,
  HarPage,
  HarParam,
  HarPostData,
  HarRequest,
  HarResponse,
  HarTimings,
  HarWebSocketMessage,
} from '../../../shared/har.js';
import {
  HAR_EXCHANGE_KINDS,
  HAR_EXCHANGE_STATES,
  HAR_HTTP2_SENDERS,
  HAR_TUNNEL_REASONS,
  HAR_WEBSOCKET_DIRECTIONS,
} from '../../../shared/har.js';

/** A value that is not what HAR (or NetLens' fields) allows there. */
export class HarPathError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'HarPathError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a found value reads in a message: short, and never more than a few characters of the file. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** `expected a number, got "abc"`, or `missing (expected a number)`. */
export function mismatch(expected: string, value: unknown): string {
  return value === undefined
    ? `missing (expected ${expected})`
    : `expected ${expected}, got ${describeJsonValue(value)}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new HarPathError(path, mismatch(expected, value));
}

const at = (path: string, key: string) => `${path}.${key}`;

/** `null` is how tools write "not known": the same as absent. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function requiredObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, 'an object', value);
  return value;
}

function optionalObject(parent: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = parent[key];
  return present(value) ? requiredObject(value, at(path, key)) : undefined;
}

/** A string with something in it (a URL, a method, an id). */
function requiredString(parent: JsonObject, key: string, path: string, what = 'a string'): string {
  const value = parent[key];
  if (typeof value !== 'string' || value === '') fail(at(path, key), what, value);
  return value;
}

/** A string that may be empty (a name, a certificate subject). */
function requiredText(parent: JsonObject, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string') fail(at(path, key), 'a string', value);
  return value;
}

function optionalString(parent: JsonObject, key: string, path: string): string | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'string') fail(at(path, key), 'a string', value);
  return value;
}

function optionalNumber(parent: JsonObject, key: string, path: string): number | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(at(path, key), 'a number', value);
  return value;
}

function optionalInteger(parent: JsonObject, key: string, path: string, min = 0): number | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(
      at(path, key),
      min === Number.MIN_SAFE_INTEGER ? 'a whole number' : `a whole number ≥ ${min}`,
      value,
    );
  return value;
}

function requiredNumber(parent: JsonObject, key: string, path: string): number {
  const value = optionalNumber(parent, key, path);
  if (value === undefined) fail(at(path, key), 'a number', parent[key]);
  return value;
}

function optionalBoolean(parent: JsonObject, key: string, path: string): boolean | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'boolean') fail(at(path, key), 'true or false', value);
  return value;
}

function optionalOneOf<T extends string>(
  parent: JsonObject,
  key: string,
  path: string,
  values: readonly T[],
): T | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
    fail(at(path, key), `one of ${values.join(', ')}`, value);
  return value as T;
}

function requiredInteger(parent: JsonObject, key: string, path: string, min = 0): number {
  const value = optionalInteger(parent, key, path, min);
  if (value === undefined) fail(at(path, key), `a whole number ≥ ${min}`, parent[key]);
  return value;
}

function requiredBoolean(parent: JsonObject, key: string, path: string): boolean {
  const value = optionalBoolean(parent, key, path);
  if (value === undefined) fail(at(path, key), 'true or false', parent[key]);
  return value;
}

function requiredOneOf<T extends string>(
  parent: JsonObject,
  key: string,
  path: string,
  values: readonly T[],
): T {
  const value = optionalOneOf(parent, key, path, values);
  if (value === undefined) fail(at(path, key), `one of ${values.join(', ')}`, parent[key]);
  return value;
}

/** One string of an array of strings. */
function strings(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

function optionalArray<T>(
  parent: JsonObject,
  key: string,
  path: string,
  item: (value: unknown, path: string) => T,
): T[] | undefined {
  const value = parent[key];
  if (!present(value)) return undefined;
  const where = at(path, key);
  if (!Array.isArray(value)) fail(where, 'an array', value);
  return value.map((element, i) => item(element, `${where}[${i}]`));
}

/** Copies the optional keys that are present, so absent stays absent (exact optional types). */
function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

// --- standard HAR ---------------------------------------------------------------------------

function nameValue(value: unknown, path: string): HarNameValue {
  const object = requiredObject(value, path);
  const name = object.name;
  if (typeof name !== 'string') fail(at(path, 'name'), 'a string', name);
  return defined({
    name,
    // A header or parameter without a value is written with null or nothing by some tools.
    value: optionalString(object, 'value', path) ?? '',
    comment: optionalString(object, 'comment', path),
  });
}

function cookie(value: unknown, path: string): HarCookie {
  const object = requiredObject(value, path);
  return defined({
    ...nameValue(object, path),
    path: optionalString(object, 'path', path),
    domain: optionalString(object, 'domain', path),
    expires: optionalString(object, 'expires', path),
    httpOnly: optionalBoolean(object, 'httpOnly', path),
    secure: optionalBoolean(object, 'secure', path),
    sameSite: optionalString(object, 'sameSite', path),
  });
}

function param(value: unknown, path: string): HarParam {
  const object = requiredObject(value, path);
  const name = object.name;
  if (typeof name !== 'string') fail(at(path, 'name'), 'a string', name);
  return defined({
    name,
    value: optionalString(object, 'value', path),
    fileName: optionalString(object, 'fileName', path),
    contentType: optionalString(object, 'contentType', path),
    comment: optionalString(object, 'comment', path),
  });
}

function postData(object: JsonObject, path: string): HarPostData {
  return defined({
    mimeType: optionalString(object, 'mimeType', path) ?? '',
    text: optionalString(object, 'text', path),
    params: optionalArray(object, 'params', path, param),
    encoding: optionalString(object, 'encoding', path),
    comment: optionalString(object, 'comment', path),
  });
}

function request(value: unknown, path: string): HarRequest {
  const object = requiredObject(value, path);
  const data = optionalObject(object, 'postData', path);
  return defined({
    method: requiredString(object, 'method', path, 'a method such as "GET"'),
    url: requiredString(object, 'url', path, 'a URL'),
    httpVersion: optionalString(object, 'httpVersion', path) ?? '',
    cookies: optionalArray(object, 'cookies', path, cookie) ?? [],
    headers: optionalArray(object, 'headers', path, nameValue) ?? [],
    queryString: optionalArray(object, 'queryString', path, nameValue) ?? [],
    postData: data ? postData(data, at(path, 'postData')) : undefined,
    headersSize: optionalInteger(object, 'headersSize', path, -1) ?? -1,
    bodySize: optionalInteger(object, 'bodySize', path, -1) ?? -1,
    comment: optionalString(object, 'comment', path),
  });
}

function content(object: JsonObject | undefined, path: string): HarContent {
  if (!object) return { size: -1, mimeType: '' };
  return defined({
    size: optionalInteger(object, 'size', path, -1) ?? -1,
    // mitmproxy writes decoded minus raw: negative when the encoding grew the body.
    compression: optionalInteger(object, 'compression', path, Number.MIN_SAFE_INTEGER),
    mimeType: optionalString(object, 'mimeType', path) ?? '',
    text: optionalString(object, 'text', path),
    encoding: optionalString(object, 'encoding', path),
    comment: optionalString(object, 'comment', path),
  });
}

/** Chrome's convention for "no response": what a file without a response object means too. */
function noResponse(): HarResponse {
  return {
    status: 0,
    statusText: '',
    httpVersion: '',
    cookies: [],
    headers: [],
    content: { size: -1, mimeType: '' },
    redirectURL: '',
    headersSize: -1,
    bodySize: -1,
  };
}

function response(value: unknown, path: string): HarResponse {
  if (!present(value)) return noResponse();
  const object = requiredObject(value, path);
  const status = optionalInteger(object, 'status', path) ?? 0;
  if (status > 999) fail(at(path, 'status'), 'an HTTP status (0 when there was no response)', status);
  return defined({
    status,
    statusText: optionalString(object, 'statusText', path) ?? '',
    httpVersion: optionalString(object, 'httpVersion', path) ?? '',
    cookies: optionalArray(object, 'cookies', path, cookie) ?? [],
    headers: optionalArray(object, 'headers', path, nameValue) ?? [],
    content: content(optionalObject(object, 'content', path), at(path, 'content')),
    redirectURL: optionalString(object, 'redirectURL', path) ?? '',
    headersSize: optionalInteger(object, 'headersSize', path, -1) ?? -1,
    bodySize: optionalInteger(object, 'bodySize', path, -1) ?? -1,
    comment: optionalString(object, 'comment', path),
    _error: optionalString(object, '_error', path),
    _transferSize: optionalNumber(object, '_transferSize', path),
  });
}

/** HAR timings; what a file leaves out (or writes as null) is `-1`, HAR's "not available". */
function timings(object: JsonObject | undefined, path: string): HarTimings {
  const phase = (key: string) => (object ? optionalNumber(object, key, path) : undefined) ?? -1;
  return defined({
    blocked: phase('blocked'),
    dns: phase('dns'),
    connect: phase('connect'),
    send: phase('send'),
    wait: phase('wait'),
    receive: phase('receive'),
    ssl: phase('ssl'),
    comment: object ? optionalString(object, 'comment', path) : undefined,
  });
}

function webSocketMessage(value: unknown, path: string): HarWebSocketMessage {
  const object = requiredObject(value, path);
  const type = object.type;
  if (typeof type !== 'string') fail(at(path, 'type'), 'a string', type);
  return defined({
    type,
    time: optionalNumber(object, 'time', path),
    opcode: optionalNumber(object, 'opcode', path),
    data: optionalString(object, 'data', path) ?? '',
  });
}

// --- NetLens' fields ------------------------------------------------------------------------

function harError(object: JsonObject, path: string): HarError {
  return defined({
    class: requiredOneOf(object, 'class', path, ERROR_CLASSES),
    phase: requiredOneOf(object, 'phase', path, FAILURE_PHASES),
    elapsedMs: requiredNumber(object, 'elapsedMs', path),
    message: optionalString(object, 'message', path) ?? '',
    detail: optionalString(object, 'detail', path),
    code: optionalString(object, 'code', path),
  });
}

/** A reason a newer NetLens may add is left out, not a reason to refuse the entry. */
function knownTruncatedReason(value: unknown): TruncatedReason | undefined {
  return (TRUNCATED_REASONS as readonly unknown[]).includes(value) ? (value as TruncatedReason) : undefined;
}

function body(value: unknown, path: string): HarNetlensBody {
  const object = requiredObject(value, path);
  const sizeBytes = requiredInteger(object, 'sizeBytes', path);
  return defined({
    sizeBytes,
    decodedSizeBytes: optionalInteger(object, 'decodedSizeBytes', path),
    capturedBytes: optionalInteger(object, 'capturedBytes', path) ?? sizeBytes,
    truncated: optionalBoolean(object, 'truncated', path) ?? false,
    truncatedReason: knownTruncatedReason(object.truncatedReason),
    contentType: optionalString(object, 'contentType', path),
    contentEncoding: optionalString(object, 'contentEncoding', path),
  });
}

function certificate(object: JsonObject, path: string): HarNetlensCertificate {
  return defined({
    subject: requiredText(object, 'subject', path),
    issuer: requiredText(object, 'issuer', path),
    subjectAltNames: optionalArray(object, 'subjectAltNames', path, strings) ?? [],
    validFromMs: requiredNumber(object, 'validFromMs', path),
    validToMs: requiredNumber(object, 'validToMs', path),
    fingerprint256: optionalString(object, 'fingerprint256', path),
    serialNumber: optionalString(object, 'serialNumber', path),
  });
}

function tls(object: JsonObject, path: string): HarNetlensTls {
  const cert = optionalObject(object, 'certificate', path);
  return defined({
    protocol: optionalString(object, 'protocol', path),
    cipher: optionalString(object, 'cipher', path),
    alpn: optionalString(object, 'alpn', path),
    servername: optionalString(object, 'servername', path),
    certificate: cert ? certificate(cert, at(path, 'certificate')) : undefined,
    verificationDisabled: optionalBoolean(object, 'verificationDisabled', path),
  });
}

function connectionInfo(object: JsonObject, path: string): HarNetlensConnection {
  const upstream = optionalObject(object, 'tls', path);
  const client = optionalObject(object, 'clientTls', path);
  return defined({
    clientAddress: optionalString(object, 'clientAddress', path),
    clientPort: optionalInteger(object, 'clientPort', path),
    serverIp: optionalString(object, 'serverIp', path),
    serverPort: optionalInteger(object, 'serverPort', path),
    tls: upstream ? tls(upstream, at(path, 'tls')) : undefined,
    clientTls: client ? tls(client, at(path, 'clientTls')) : undefined,
  });
}

function netlens(object: JsonObject, path: string): HarNetlens {
  const retry = optionalObject(object, 'retry', path);
  const rule = optionalObject(object, 'rule', path);
  const truncated = optionalObject(object, 'truncated', path);
  const connection = optionalObject(object, 'connectionInfo', path);
  const bodies = optionalObject(object, 'bodies', path);
  const tunnel = optionalObject(object, 'tunnel', path);
  const websocket = optionalObject(object, 'websocket', path);
  const trailers = optionalObject(object, 'trailers', path);
  const http2 = optionalObject(object, 'http2', path);
  const grpc = optionalObject(object, 'grpc', path);
  return defined({
    id: requiredString(object, 'id', path, 'an exchange id'),
    connectionReused: requiredBoolean(object, 'connectionReused', path),
    kind: optionalOneOf(object, 'kind', path, HAR_EXCHANGE_KINDS),
    state: optionalOneOf(object, 'state', path, HAR_EXCHANGE_STATES),
    seq: optionalInteger(object, 'seq', path),
    durationMs: optionalNumber(object, 'durationMs', path),
    source: optionalString(object, 'source', path),
    replayOf: optionalString(object, 'replayOf', path),
    retry: retry
      ? {
          chainId: requiredString(retry, 'chainId', at(path, 'retry')),
          attempt: requiredInteger(retry, 'attempt', at(path, 'retry'), 1),
        }
      : undefined,
    rule: rule ? ruleOf(rule, at(path, 'rule')) : undefined,
    truncated: truncated
      ? defined({
          request:
            optionalBoolean(truncated, 'request', at(path, 'truncated')) === true
              ? (true as const)
              : undefined,
          response:
            optionalBoolean(truncated, 'response', at(path, 'truncated')) === true
              ? (true as const)
              : undefined,
        })
      : undefined,
    clientHeaders: optionalArray(object, 'clientHeaders', path, nameValue),
    traceId: optionalString(object, 'traceId', path),
    connectionInfo: connection ? connectionInfo(connection, at(path, 'connectionInfo')) : undefined,
    bodies: bodies
      ? defined({
          request: body(bodies.request, at(path, 'bodies.request')),
          response: present(bodies.response) ? body(bodies.response, at(path, 'bodies.response')) : undefined,
        })
      : undefined,
    tunnel: tunnel
      ? {
          reason:
            optionalOneOf(tunnel, 'reason', at(path, 'tunnel'), HAR_TUNNEL_REASONS) ??
            fail(at(path, 'tunnel.reason'), `one of ${HAR_TUNNEL_REASONS.join(', ')}`, tunnel.reason),
          bytesFromClient: optionalInteger(tunnel, 'bytesFromClient', at(path, 'tunnel')) ?? 0,
          bytesFromServer: optionalInteger(tunnel, 'bytesFromServer', at(path, 'tunnel')) ?? 0,
          ...defined({
            proxyName: optionalString(tunnel, 'proxyName', at(path, 'tunnel')),
            listen: optionalString(tunnel, 'listen', at(path, 'tunnel')),
            closeReason: optionalString(tunnel, 'closeReason', at(path, 'tunnel')),
          }),
        }
      : undefined,
    websocket: websocket
      ? defined({
          messagesFromClient: optionalInteger(websocket, 'messagesFromClient', at(path, 'websocket')) ?? 0,
          messagesFromServer: optionalInteger(websocket, 'messagesFromServer', at(path, 'websocket')) ?? 0,
          bytesFromClient: optionalInteger(websocket, 'bytesFromClient', at(path, 'websocket')) ?? 0,
          bytesFromServer: optionalInteger(websocket, 'bytesFromServer', at(path, 'websocket')) ?? 0,
          closedAtMs: optionalNumber(websocket, 'closedAtMs', at(path, 'websocket')),
          frames: optionalArray(websocket, 'frames', at(path, 'websocket'), webSocketFrame),
          framesNotRecorded: optionalInteger(websocket, 'framesNotRecorded', at(path, 'websocket')),
        })
      : undefined,
    trailers: trailers
      ? defined({
          request: optionalArray(trailers, 'request', at(path, 'trailers'), nameValue),
          response: optionalArray(trailers, 'response', at(path, 'trailers'), nameValue),
        })
      : undefined,
    http2: http2 ? http2Of(http2, at(path, 'http2')) : undefined,
    grpc: grpc ? grpcOf(grpc, at(path, 'grpc')) : undefined,
  });
}

function webSocketFrame(value: unknown, path: string): HarNetlensWebSocketFrame {
  const object = requiredObject(value, path);
  return defined({
    direction: requiredOneOf(object, 'direction', path, HAR_WEBSOCKET_DIRECTIONS),
    timeMs: requiredNumber(object, 'timeMs', path),
    opcode: requiredInteger(object, 'opcode', path),
    sizeBytes: requiredInteger(object, 'sizeBytes', path),
    data: requiredText(object, 'data', path),
    encoding: optionalOneOf(object, 'encoding', path, ['base64'] as const),
    truncated: optionalBoolean(object, 'truncated', path) === true ? (true as const) : undefined,
    fin: optionalBoolean(object, 'fin', path) === false ? (false as const) : undefined,
    compressed: optionalBoolean(object, 'compressed', path) === true ? (true as const) : undefined,
  });
}

function http2FrameOf(object: JsonObject, path: string): HarNetlensHttp2Frame {
  return {
    code: requiredInteger(object, 'code', path),
    name: requiredString(object, 'name', path),
    by: requiredOneOf(object, 'by', path, HAR_HTTP2_SENDERS),
  };
}

function http2Of(object: JsonObject, path: string): HarNetlensHttp2 {
  const priority = optionalObject(object, 'priority', path);
  const reset = optionalObject(object, 'reset', path);
  const goAway = optionalObject(object, 'goAway', path);
  const settings = optionalObject(object, 'serverSettings', path);
  const p = at(path, 'priority');
  const g = at(path, 'goAway');
  const s = at(path, 'serverSettings');
  return defined({
    clientStreamId: optionalInteger(object, 'clientStreamId', path),
    clientConnectionId: optionalString(object, 'clientConnectionId', path),
    clientCleartext: optionalBoolean(object, 'clientCleartext', path),
    upstreamStreamId: optionalInteger(object, 'upstreamStreamId', path),
    priority: priority
      ? defined({
          weight: optionalInteger(priority, 'weight', p),
          exclusive: optionalBoolean(priority, 'exclusive', p),
          dependsOn: optionalInteger(priority, 'dependsOn', p),
          urgency: optionalInteger(priority, 'urgency', p),
          incremental: optionalBoolean(priority, 'incremental', p),
        })
      : undefined,
    reset: reset ? http2FrameOf(reset, at(path, 'reset')) : undefined,
    goAway: goAway
      ? defined({
          ...http2FrameOf(goAway, g),
          lastStreamId: requiredInteger(goAway, 'lastStreamId', g),
          debug: optionalString(goAway, 'debug', g),
        })
      : undefined,
    serverSettings: settings
      ? defined({
          headerTableSize: optionalInteger(settings, 'headerTableSize', s),
          enablePush: optionalBoolean(settings, 'enablePush', s),
          maxConcurrentStreams: optionalInteger(settings, 'maxConcurrentStreams', s),
          initialWindowSize: optionalInteger(settings, 'initialWindowSize', s),
          maxFrameSize: optionalInteger(settings, 'maxFrameSize', s),
          maxHeaderListSize: optionalInteger(settings, 'maxHeaderListSize', s),
          enableConnectProtocol: optionalBoolean(settings, 'enableConnectProtocol', s),
        })
      : undefined,
  });
}

function grpcOf(object: JsonObject, path: string): HarNetlensGrpc {
  return defined({
    service: requiredText(object, 'service', path),
    method: requiredText(object, 'method', path),
    web: optionalOneOf(object, 'web', path, ['binary', 'text'] as const),
    encoding: optionalString(object, 'encoding', path),
    requestMessages: optionalInteger(object, 'requestMessages', path),
    responseMessages: optionalInteger(object, 'responseMessages', path),
    status: optionalInteger(object, 'status', path),
    statusName: optionalString(object, 'statusName', path),
    message: optionalString(object, 'message', path),
    decoded: optionalObject(object, 'decoded', path)
      ? grpcDecodedOf(object.decoded as JsonObject, at(path, 'decoded'))
      : undefined,
  });
}

/** `_netlens.grpc.decoded`: kept as written, once its shape is checked (the fields are any JSON). */
function grpcDecodedOf(object: JsonObject, path: string): GrpcDecodedMessages {
  const message = (value: unknown, itemPath: string): GrpcMessageJson => {
    const item = requiredObject(value, itemPath);
    return defined({
      type: optionalString(item, 'type', itemPath),
      fields: optionalObject(item, 'fields', itemPath),
      error: optionalString(item, 'error', itemPath),
      invalid: optionalString(item, 'invalid', itemPath),
      truncated: optionalBoolean(item, 'truncated', itemPath) === true ? (true as const) : undefined,
    });
  };
  const names = optionalObject(object, 'names', path);
  const notShown = optionalObject(object, 'notShown', path);
  let source: GrpcNamesSource | undefined;
  if (names) {
    const namesPath = at(path, 'names');
    const kind = optionalOneOf(names, 'kind', namesPath, ['proto', 'reflection'] as const);
    if (kind === 'proto') source = { kind, fileName: requiredText(names, 'fileName', namesPath) };
    else if (kind === 'reflection') source = { kind, origin: requiredText(names, 'origin', namesPath) };
  }
  return defined({
    names: source,
    request: optionalArray(object, 'request', path, message) ?? [],
    response: optionalArray(object, 'response', path, message) ?? [],
    notShown: notShown
      ? defined({
          request: optionalInteger(notShown, 'request', at(path, 'notShown')),
          response: optionalInteger(notShown, 'response', at(path, 'notShown')),
        })
      : undefined,
  });
}

function ruleOf(object: JsonObject, path: string) {
  // Files of NetLens 0.1 wrote one `action` string; `actions` is the list.
  const legacy = optionalString(object, 'action', path);
  const actions =
    optionalArray(object, 'actions', path, strings) ?? (legacy !== undefined ? [legacy] : undefined);
  if (actions === undefined) fail(at(path, 'actions'), 'an array of strings', object.actions);
  const also = optionalArray(object, 'also', path, (value, itemPath) => {
    const item = requiredObject(value, itemPath);
    return { id: requiredText(item, 'id', itemPath), name: requiredText(item, 'name', itemPath) };
  });
  return {
    id: requiredText(object, 'id', path),
    name: requiredText(object, 'name', path),
    actions,
    ...(also ? { also } : {}),
  };
}

// --- the document ---------------------------------------------------------------------------

/** An ISO 8601 date-time as HAR requires; every importable tool writes one. */
function dateTime(parent: JsonObject, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || !Number.isFinite(Date.parse(value)))
    fail(at(path, key), 'an ISO 8601 date and time', value);
  return value;
}

function creator(value: unknown, path: string): HarCreator {
  if (!present(value)) return { name: '', version: '' };
  const object = requiredObject(value, path);
  return defined({
    name: optionalString(object, 'name', path) ?? '',
    version: optionalString(object, 'version', path) ?? '',
    comment: optionalString(object, 'comment', path),
  });
}

function page(value: unknown, path: string): HarPage {
  const object = requiredObject(value, path);
  const timingsObject = optionalObject(object, 'pageTimings', path);
  const where = at(path, 'pageTimings');
  return defined({
    startedDateTime: optionalString(object, 'startedDateTime', path) ?? '',
    id: optionalString(object, 'id', path) ?? '',
    title: optionalString(object, 'title', path) ?? '',
    pageTimings: timingsObject
      ? defined({
          onContentLoad: optionalNumber(timingsObject, 'onContentLoad', where),
          onLoad: optionalNumber(timingsObject, 'onLoad', where),
          comment: optionalString(timingsObject, 'comment', where),
        })
      : {},
    comment: optionalString(object, 'comment', path),
  });
}

/** `log` without its entries. `log` itself must be an object; its small fields are checked here. */
export function validateHarLogHead(log: JsonObject): HarLogHead {
  const path = 'log';
  const browser = log.browser;
  return defined({
    version: optionalString(log, 'version', path) ?? '',
    creator: creator(log.creator, at(path, 'creator')),
    browser: present(browser) ? creator(browser, at(path, 'browser')) : undefined,
    pages: optionalArray(log, 'pages', path, page),
    comment: optionalString(log, 'comment', path),
  });
}

/** One entry of `log.entries`, validated into a HarEntry; throws a HarPathError naming the path. */
export function validateHarEntry(value: unknown, index: number): HarEntry {
  const path = `log.entries[${index}]`;
  const object = requiredObject(value, path);
  const rawError = object._error;
  const rawNetlens = object._netlens;
  const entry: HarEntry = defined({
    pageref: optionalString(object, 'pageref', path),
    startedDateTime: dateTime(object, 'startedDateTime', path),
    time: optionalNumber(object, 'time', path) ?? -1,
    request: request(object.request, at(path, 'request')),
    response: response(object.response, at(path, 'response')),
    cache: {},
    timings: timings(optionalObject(object, 'timings', path), at(path, 'timings')),
    serverIPAddress: serverIp(object, path),
    connection: connectionId(object, path),
    comment: optionalString(object, 'comment', path),
    _error: isObject(rawError) ? harError(rawError, at(path, '_error')) : undefined,
    _netlens: present(rawNetlens)
      ? netlens(requiredObject(rawNetlens, at(path, '_netlens')), at(path, '_netlens'))
      : undefined,
    _resourceType: optionalString(object, '_resourceType', path),
    _webSocketMessages: optionalArray(object, '_webSocketMessages', path, webSocketMessage),
  });
  if (typeof rawError === 'string') {
    // Older Chrome wrote the failure on the entry; today's writes it on the response.
    if (entry.response._error === undefined && rawError !== '') entry.response._error = rawError;
  } else if (present(rawError) && !isObject(rawError)) {
    fail(at(path, '_error'), "an object (NetLens' diagnosis) or a string (Chrome's error name)", rawError);
  }
  // NetLens 0.1 kept the error's code in _netlens.errorCode.
  if (entry._error && entry._error.code === undefined && isObject(rawNetlens)) {
    const legacyCode = optionalString(rawNetlens, 'errorCode', at(path, '_netlens'));
    if (legacyCode !== undefined) entry._error.code = legacyCode;
  }
  return entry;
}

function serverIp(object: JsonObject, path: string): string | undefined {
  const value = optionalString(object, 'serverIPAddress', path)?.trim();
  // Chrome writes IPv6 in brackets ("[::1]"); HAR wants the bare address.
  return value ? value.replace(/^\[(.*)\]$/, '$1') : undefined;
}

function connectionId(object: JsonObject, path: string): string | undefined {
  const value = object.connection;
  if (!present(value) || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') fail(at(path, 'connection'), 'a connection id', value);
  return value;
}
