/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as NetLens writes it and reads it
 * back after validation, plus the underscore fields of the tools it imports from and its own
 * `_error` and `_netlens`. These are the HAR contract: the export writes exactly these types,
 * the import validates a file into them before anything maps them to exchanges, so the two
 * cannot drift. No index signatures: a field NetLens writes or reads is listed here.
 */
import type { ErrorClass, FailurePhase } from './errors.js';
import type { TruncatedReason } from './model.js';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie extends HarNameValue {
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

export interface HarParam {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
  comment?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: HarParam[];
  /** `base64` for a binary body (HAR 1.2 allows it on content; Chrome and NetLens use it here too). */
  encoding?: string;
  comment?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  /** `-1` when unknown. */
  headersSize: number;
  /** `-1` when unknown. */
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  /** The decoded body's length; `-1` when an imported file does not say. */
  size: number;
  /** Bytes saved by Content-Encoding; absent when not known. */
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  /** `0` when there was no response (Chrome's convention). */
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
  /** Chrome and mitmproxy: why there is no response, in their words (`net::ERR_…`, `[Errno 111] …`). */
  _error?: string;
  /** Chrome: bytes received for headers and body. */
  _transferSize?: number;
}

/**
 * Phase durations in ms. `-1` is HAR's "did not happen / not available"; on import the send,
 * wait and receive a file leaves out are `-1` too (HAR requires them, not every tool writes them).
 */
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

export interface HarCache {
  comment?: string;
}

/** `_error` of a failed entry: NetLens' diagnosis (see the error taxonomy). */
export interface HarError {
  class: ErrorClass;
  phase: FailurePhase;
  elapsedMs: number;
  message: string;
  detail?: string;
  /** The OS or library error code, e.g. `ECONNREFUSED`, `ERR_CONNECTION_REFUSED`. */
  code?: string;
}

export interface HarNetlensRule {
  id: string;
  name: string;
  /** What the rule did, e.g. `delay 500 ms`, `mock 503`. */
  actions: string[];
  /** Further rules that acted on the same exchange (after a rule with `continue`). */
  also?: { id: string; name: string }[];
}

/** What NetLens measured of one body (the standard fields keep only part of it). */
export interface HarNetlensBody {
  sizeBytes: number;
  decodedSizeBytes?: number;
  capturedBytes: number;
  truncated: boolean;
  /** Why the body was captured only in part (`cap`, `disk_behind`, `disk_error`, `spill_budget`). */
  truncatedReason?: TruncatedReason;
  contentType?: string;
  contentEncoding?: string;
}

export interface HarNetlensCertificate {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFromMs: number;
  validToMs: number;
  fingerprint256?: string;
  serialNumber?: string;
}

export interface HarNetlensTls {
  protocol?: string;
  cipher?: string;
  alpn?: string;
  servername?: string;
  certificate?: HarNetlensCertificate;
  verificationDisabled?: boolean;
}

export interface HarNetlensConnection {
  clientAddress?: string;
  clientPort?: number;
  serverIp?: string;
  serverPort?: number;
  tls?: HarNetlensTls;
  clientTls?: HarNetlensTls;
}

export const HAR_TUNNEL_REASONS = [
  'pass_through_host',
  'client_rejected_certificate',
  'not_tls',
  'tcp_proxy',
] as const;

export interface HarNetlensTunnel {
  reason: (typeof HAR_TUNNEL_REASONS)[number];
  bytesFromClient: number;
  bytesFromServer: number;
  /** A TCP proxy's connection (reason `tcp_proxy`): the proxy, its listen address, how it ended. */
  proxyName?: string;
  listen?: string;
  closeReason?: string;
}

export interface HarNetlensWebSocket {
  messagesFromClient: number;
  messagesFromServer: number;
  bytesFromClient: number;
  bytesFromServer: number;
  closedAtMs?: number;
  /** The message log, every frame (Chrome's `_webSocketMessages` keeps only text and binary ones). */
  frames?: HarNetlensWebSocketFrame[];
  framesNotRecorded?: number;
}

export const HAR_WEBSOCKET_DIRECTIONS = ['send', 'receive'] as const;

export interface HarNetlensWebSocketFrame {
  direction: (typeof HAR_WEBSOCKET_DIRECTIONS)[number];
  timeMs: number;
  opcode: number;
  sizeBytes: number;
  data: string;
  encoding?: 'base64';
  truncated?: true;
  fin?: false;
  compressed?: true;
}

export const HAR_HTTP2_SENDERS = ['client', 'server', 'netlens'] as const;

/** RST_STREAM or GOAWAY: the HTTP/2 error code (RFC 9113 §7), its name, and who sent it. */
export interface HarNetlensHttp2Frame {
  code: number;
  name: string;
  by: (typeof HAR_HTTP2_SENDERS)[number];
}

/** `_netlens.http2`: the exchange's HTTP/2 streams on either side and how they ended. */
export interface HarNetlensHttp2 {
  /** The stream on the client's HTTP/2 connection to NetLens. */
  clientStreamId?: number;
  /** That connection (`k3`): every stream of it carries the same id. */
  clientConnectionId?: string;
  /** h2c: HTTP/2 without TLS, by prior knowledge. */
  clientCleartext?: boolean;
  /** The stream on the upstream HTTP/2 connection (the entry's `connection`). */
  upstreamStreamId?: number;
  priority?: {
    weight?: number;
    exclusive?: boolean;
    dependsOn?: number;
    urgency?: number;
    incremental?: boolean;
  };
  reset?: HarNetlensHttp2Frame;
  goAway?: HarNetlensHttp2Frame & { lastStreamId: number; debug?: string };
  /** The upstream server's SETTINGS (RFC 9113 §6.5.2). */
  serverSettings?: {
    headerTableSize?: number;
    enablePush?: boolean;
    maxConcurrentStreams?: number;
    initialWindowSize?: number;
    maxFrameSize?: number;
    maxHeaderListSize?: number;
    enableConnectProtocol?: boolean;
  };
}

/** `_netlens.grpc`: a gRPC or gRPC-Web call. */
export interface HarNetlensGrpc {
  service: string;
  method: string;
  web?: 'binary' | 'text';
  encoding?: string;
  requestMessages?: number;
  responseMessages?: number;
  status?: number;
  statusName?: string;
  message?: string;
}

export const HAR_EXCHANGE_KINDS = ['http', 'tunnel', 'websocket'] as const;
export const HAR_EXCHANGE_STATES = ['pending', 'complete', 'failed'] as const;

/** `_netlens`: what NetLens recorded beyond HAR, so that its own files import back without loss. */
export interface HarNetlens {
  /** The exchange id (`netlens diff FILE.har A B` accepts it). */
  id: string;
  /** The exchange ran on an upstream connection an earlier exchange opened. */
  connectionReused: boolean;
  /** Always written; optional on import (files written by hand or by older versions). */
  kind?: (typeof HAR_EXCHANGE_KINDS)[number];
  state?: (typeof HAR_EXCHANGE_STATES)[number];
  seq?: number;
  durationMs?: number;
  /** Which client sent it: `chromium#1`, `terminal#2`, `system`, `manual`… */
  source?: string;
  /** A replay: the `_netlens.id` of the exchange it was resent from (edited or as it was). */
  replayOf?: string;
  /** On every exchange of a retry chain, the first attempt (1) included. */
  retry?: { chainId: string; attempt: number };
  /** When a NetLens rule acted. */
  rule?: HarNetlensRule;
  /** When a body hit the capture limit and is cut. */
  truncated?: { request?: true; response?: true };
  /** The request head as the client sent it, when it differs from `request.headers` (what went upstream). */
  clientHeaders?: HarNameValue[];
  traceId?: string;
  connectionInfo?: HarNetlensConnection;
  bodies?: { request: HarNetlensBody; response?: HarNetlensBody };
  tunnel?: HarNetlensTunnel;
  websocket?: HarNetlensWebSocket;
  /** Trailer fields after a body (HTTP/2 trailers, chunked HTTP/1.1 ones): HAR has no place for them. */
  trailers?: { request?: HarNameValue[]; response?: HarNameValue[] };
  http2?: HarNetlensHttp2;
  grpc?: HarNetlensGrpc;
}

/** Chrome's and mitmproxy's record of one WebSocket message. */
export interface HarWebSocketMessage {
  type: string;
  time?: number;
  opcode?: number;
  data: string;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: HarCache;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** NetLens: the diagnosis of a failed exchange. */
  _error?: HarError;
  _netlens?: HarNetlens;
  /** Chrome (and NetLens, for WebSocket handshakes): `document`, `fetch`, `websocket`… */
  _resourceType?: string;
  /** Chrome, mitmproxy. */
  _webSocketMessages?: HarWebSocketMessage[];
}

export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

export interface HarPage {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

/** `log` without its entries: what an importer needs before the first entry. */
export interface HarLogHead {
  version: string;
  creator: HarCreator;
  browser?: HarCreator;
  pages?: HarPage[];
  comment?: string;
}

export interface HarLog extends HarLogHead {
  entries: HarEntry[];
}

export interface HarDocument {
  log: HarLog;
}
