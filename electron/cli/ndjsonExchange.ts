/**
 * The NDJSON lines of `netlens proxy --json` (DESIGN.md, "The command line"): one JSON object
 * per line, `type` first. This shape is a contract for scripts and CI — add fields, never rename
 * or remove one.
 *
 *   {"type":"listening","proxy":"http://HOST:PORT","caCert":"PATH","session":"ID"}   (+ "ui" in web mode,
 *    + "proxyPassword" when the proxy listens beyond loopback and asks for authentication)
 *   {"type":"exchange", id, seq, kind, startedDateTime, method, url, httpVersion,
 *    status (null when no response), statusText?, durationMs, requestBodyBytes,
 *    responseBodyBytes?, timings {blocked?, dns?, connect?, ssl?, send?, wait?, receive?},
 *    connection {id, reused, serverIp?, serverPort?, tlsProtocol?},
 *    error? {class, phase, elapsedMs, message, detail?}, retry? {chainId, attempt},
 *    rule? {id, name, action, actions}, tunnel? {reason, bytesFromClient, bytesFromServer,
 *    proxyName?, closeReason?},
 *    source? (chromium#1, terminal#2, system, manual…), responseHttpVersion? (when the server's
 *    differs from the client's: HTTP/2 on one side only), http2? {clientStreamId?,
 *    clientConnectionId?, clientCleartext?, upstreamStreamId?, reset? {by, code, name},
 *    goAway? {by, code, name, lastStreamId, debug?}}, grpc? {service, method, status?,
 *    statusName?, message?, requestMessages?, responseMessages?, messages? {names?, request,
 *    response, notShown?}},
 *    truncated? {request?, response?: {capturedBytes, reason?}}}
 *   {"type":"retry","id":ID,"retry":{"chainId":...,"attempt":N}}   when analysis later puts an
 *    already printed exchange in a retry chain
 *
 * Times are milliseconds rounded to 3 decimals. A timing phase that did not happen is absent
 * (inside NetLens unknown is `undefined`; -1 is for HAR only). `ssl` is separate from `connect`
 * here, as in the engine; the HAR folds it into `connect`.
 */
import type { Exchange, GrpcInfo, Http2Info, RetryInfo } from '../../shared/model.js';
import type { GrpcDecodedMessages } from '../../shared/grpcMessageJson.js';
import type { ErrorClass, FailurePhase } from '../../shared/errors.js';
import { TIMING_PHASES, type Timings } from '../../shared/timing.js';
import { urlOf } from '../../shared/address.js';

export interface NdjsonListening {
  type: 'listening';
  proxy: string;
  caCert: string;
  /** Set by `netlens web`. */
  ui?: string;
  /** The secret to send as proxy password, when proxy authentication is on. */
  proxyPassword?: string;
  /** `--toxiproxy-api`: where toxiproxy's HTTP API is served (`http://HOST:PORT`). */
  toxiproxyApi?: string;
  /** `--rules`: the rules file in force. */
  rules?: string;
  /** The session recorded into (docs/sessions.md). */
  session?: string;
}

export interface NdjsonExchange {
  type: 'exchange';
  id: string;
  seq: number;
  kind: Exchange['kind'];
  startedDateTime: string;
  method: string;
  url: string;
  httpVersion: string;
  status: number | null;
  statusText?: string;
  durationMs: number | null;
  requestBodyBytes: number;
  responseBodyBytes?: number;
  timings: Timings;
  connection: { id: string; reused: boolean; serverIp?: string; serverPort?: number; tlsProtocol?: string };
  error?: { class: ErrorClass; phase: FailurePhase; elapsedMs: number; message: string; detail?: string };
  retry?: RetryInfo;
  /** `action`: the actions in one string (the first versions' field); `actions`: the list. */
  rule?: { id: string; name: string; action: string; actions: string[] };
  tunnel?: {
    reason: string;
    bytesFromClient: number;
    bytesFromServer: number;
    proxyName?: string;
    closeReason?: string;
  };
  source?: string;
  responseHttpVersion?: string;
  http2?: Pick<
    Http2Info,
    'clientStreamId' | 'clientConnectionId' | 'clientCleartext' | 'upstreamStreamId' | 'reset' | 'goAway'
  >;
  grpc?: Pick<
    GrpcInfo,
    'service' | 'method' | 'status' | 'statusName' | 'message' | 'requestMessages' | 'responseMessages'
  > & {
    /** The messages decoded, as JSON (shared/grpcMessageJson.ts), when the bodies were captured. */
    messages?: GrpcDecodedMessages;
  };
  /** A body NetLens kept only in part: how much, and why (`cap`, `disk_behind`, `disk_error`, `spill_budget`). */
  truncated?: { request?: NdjsonTruncation; response?: NdjsonTruncation };
}

export interface NdjsonTruncation {
  capturedBytes: number;
  reason?: string;
}

export interface NdjsonRetry {
  type: 'retry';
  id: string;
  retry: RetryInfo;
}

export type NdjsonLine = NdjsonListening | NdjsonExchange | NdjsonRetry;

function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function proxyUrl(host: string, port: number): string {
  return urlOf('http', host, port);
}

export function listeningLine(
  proxy: string,
  caCert: string,
  ui?: string,
  proxyPassword?: string,
  extra: Pick<NdjsonListening, 'toxiproxyApi' | 'rules' | 'session'> = {},
): NdjsonListening {
  return {
    type: 'listening',
    proxy,
    caCert,
    ...(ui !== undefined ? { ui } : {}),
    ...(proxyPassword !== undefined ? { proxyPassword } : {}),
    ...(extra.toxiproxyApi !== undefined ? { toxiproxyApi: extra.toxiproxyApi } : {}),
    ...(extra.rules !== undefined ? { rules: extra.rules } : {}),
    ...(extra.session !== undefined ? { session: extra.session } : {}),
  };
}

export function exchangeLine(exchange: Exchange): NdjsonExchange {
  const timings: Timings = {};
  for (const phase of TIMING_PHASES) {
    const value = exchange.timings[phase];
    if (value !== undefined && Number.isFinite(value) && value >= 0) timings[phase] = ms(value);
  }
  const { connection, response, error } = exchange;
  const line: NdjsonExchange = {
    type: 'exchange',
    id: exchange.id,
    seq: exchange.seq,
    kind: exchange.kind,
    startedDateTime: new Date(exchange.startedAtMs).toISOString(),
    method: exchange.request.method,
    url: exchange.request.url,
    httpVersion: exchange.request.httpVersion,
    status: response ? response.status : null,
    ...(response ? { statusText: response.statusText } : {}),
    durationMs: exchange.durationMs !== undefined ? ms(exchange.durationMs) : null,
    requestBodyBytes: exchange.request.body.sizeBytes,
    ...(response ? { responseBodyBytes: response.body.sizeBytes } : {}),
    timings,
    connection: {
      id: connection.id,
      reused: connection.reused,
      ...(connection.serverIp !== undefined ? { serverIp: connection.serverIp } : {}),
      ...(connection.serverPort !== undefined ? { serverPort: connection.serverPort } : {}),
      ...(connection.tls?.protocol !== undefined ? { tlsProtocol: connection.tls.protocol } : {}),
    },
  };
  if (error) {
    line.error = {
      class: error.class,
      phase: error.phase,
      elapsedMs: ms(error.elapsedMs),
      message: error.message,
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
    };
  }
  if (exchange.retry) line.retry = { chainId: exchange.retry.chainId, attempt: exchange.retry.attempt };
  if (exchange.rule) {
    line.rule = {
      id: exchange.rule.ruleId,
      name: exchange.rule.ruleName,
      action: exchange.rule.actions.join('; '),
      actions: [...exchange.rule.actions],
    };
  }
  if (response && response.httpVersion !== exchange.request.httpVersion) {
    line.responseHttpVersion = response.httpVersion;
  }
  if (exchange.http2) {
    const { clientStreamId, clientConnectionId, clientCleartext, upstreamStreamId, reset, goAway } =
      exchange.http2;
    line.http2 = {
      ...(clientStreamId !== undefined ? { clientStreamId } : {}),
      ...(clientConnectionId !== undefined ? { clientConnectionId } : {}),
      ...(clientCleartext ? { clientCleartext } : {}),
      ...(upstreamStreamId !== undefined ? { upstreamStreamId } : {}),
      ...(reset ? { reset: { ...reset } } : {}),
      ...(goAway ? { goAway: { ...goAway } } : {}),
    };
  }
  if (exchange.grpc) {
    const { service, method, status, statusName, message, requestMessages, responseMessages } = exchange.grpc;
    line.grpc = {
      service,
      method,
      ...(status !== undefined ? { status } : {}),
      ...(statusName !== undefined ? { statusName } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(requestMessages !== undefined ? { requestMessages } : {}),
      ...(responseMessages !== undefined ? { responseMessages } : {}),
    };
  }
  if (exchange.tunnel) {
    line.tunnel = {
      reason: exchange.tunnel.reason,
      bytesFromClient: exchange.tunnel.bytesFromClient,
      bytesFromServer: exchange.tunnel.bytesFromServer,
      ...(exchange.tunnel.proxyName !== undefined ? { proxyName: exchange.tunnel.proxyName } : {}),
      ...(exchange.tunnel.closeReason !== undefined ? { closeReason: exchange.tunnel.closeReason } : {}),
    };
  }
  if (exchange.source !== undefined) line.source = exchange.source;
  const truncated: NonNullable<NdjsonExchange['truncated']> = {};
  for (const [side, body] of [
    ['request', exchange.request.body],
    ['response', exchange.response?.body],
  ] as const) {
    if (!body?.truncated) continue;
    truncated[side] = {
      capturedBytes: body.capturedBytes,
      ...(body.truncatedReason ? { reason: body.truncatedReason } : {}),
    };
  }
  if (truncated.request || truncated.response) line.truncated = truncated;
  return line;
}

export function retryLine(id: string, retry: RetryInfo): NdjsonRetry {
  return { type: 'retry', id, retry: { chainId: retry.chainId, attempt: retry.attempt } };
}
