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
 *    rule? {id, name, action}, tunnel? {reason, bytesFromClient, bytesFromServer},
 *    source? (chromium#1, terminal#2, system, manual…),
 *    truncated? {request?, response?: {capturedBytes, reason?}}}
 *   {"type":"retry","id":ID,"retry":{"chainId":...,"attempt":N}}   when analysis later puts an
 *    already printed exchange in a retry chain
 *
 * Times are milliseconds rounded to 3 decimals. A timing phase that did not happen is absent
 * (inside NetLens unknown is `undefined`; -1 is for HAR only). `ssl` is separate from `connect`
 * here, as in the engine; the HAR folds it into `connect`.
 */
import type { Exchange, RetryInfo } from '../../shared/model.js';
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
  rule?: { id: string; name: string; action: string };
  tunnel?: { reason: string; bytesFromClient: number; bytesFromServer: number };
  source?: string;
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
  session?: string,
): NdjsonListening {
  return {
    type: 'listening',
    proxy,
    caCert,
    ...(ui !== undefined ? { ui } : {}),
    ...(proxyPassword !== undefined ? { proxyPassword } : {}),
    ...(session !== undefined ? { session } : {}),
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
    line.rule = { id: exchange.rule.ruleId, name: exchange.rule.ruleName, action: exchange.rule.action };
  }
  if (exchange.tunnel) {
    line.tunnel = {
      reason: exchange.tunnel.reason,
      bytesFromClient: exchange.tunnel.bytesFromClient,
      bytesFromServer: exchange.tunnel.bytesFromServer,
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
