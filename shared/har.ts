/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as NetLens writes it and reads it
 * back after validation, plus the underscore fields of the tools it imports from and its own
 * `_error` and `_netlens`. These are the HAR contract: the export writes exactly these types,
 * the import validates a file into them before anything maps them to exchanges, so the two
 * cannot drift. No index signatures: a field NetLens writes or reads is listed here.
 */
import type { ErrorClass, FailurePhase } from './errors.js';
import type {
  BodyInfo,
  CertificateSummary,
  ConnectionInfo,
  ExchangeKind,
  ExchangeState,
  GrpcInfo,
  Http2Info,
  Http2Reset,
  TlsInfo,
  TunnelInfo,
  WebSocketFrame,
  WebSocketInfo,
} from './model.js';

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

/*
 * The `_netlens` records below are the model's own shapes (shared/model.ts), written as they are:
 * one definition, so the export and the import cannot drift apart.
 */

/** What NetLens measured of one body (the standard fields keep only part of it). */
export type HarNetlensBody = BodyInfo;

export type HarNetlensCertificate = CertificateSummary;

export type HarNetlensTls = TlsInfo;

/** The connection's addresses and TLS; its id and reuse are HAR's `connection` and `connectionReused`. */
export type HarNetlensConnection = Omit<ConnectionInfo, 'id' | 'reused'>;

/**
 * The values of a union of the model as a list for the import's validation: a list that misses
 * one, or names one the model does not have, does not compile.
 */
function everyValueOf<U extends string>() {
  return <const L extends readonly U[]>(
    list: L & ([Exclude<U, L[number]>] extends [never] ? unknown : never),
  ) => list;
}

export const HAR_TUNNEL_REASONS = everyValueOf<TunnelInfo['reason']>()([
  'pass_through_host',
  'client_rejected_certificate',
  'not_tls',
  'tcp_proxy',
]);

/** A tunnel's bytes and why it was not intercepted (a TCP proxy's connection: its proxy, listen address, end). */
export type HarNetlensTunnel = TunnelInfo;

export type HarNetlensWebSocket = WebSocketInfo;

export const HAR_WEBSOCKET_DIRECTIONS = everyValueOf<WebSocketFrame['direction']>()(['send', 'receive']);

export type HarNetlensWebSocketFrame = WebSocketFrame;

export const HAR_HTTP2_SENDERS = everyValueOf<Http2Reset['by']>()(['client', 'server', 'netlens']);

/** RST_STREAM or GOAWAY: the HTTP/2 error code (RFC 9113 §7), its name, and who sent it. */
export type HarNetlensHttp2Frame = Http2Reset;

/** `_netlens.http2`: the exchange's HTTP/2 streams on either side and how they ended. */
export type HarNetlensHttp2 = Http2Info;

/** `_netlens.grpc`: a gRPC or gRPC-Web call. */
export type HarNetlensGrpc = GrpcInfo;

export const HAR_EXCHANGE_KINDS = everyValueOf<ExchangeKind>()(['http', 'tunnel', 'websocket']);
export const HAR_EXCHANGE_STATES = everyValueOf<ExchangeState>()(['pending', 'complete', 'failed']);

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
