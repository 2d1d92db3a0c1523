import type { NetlensError } from './errors.js';
import type { Timings } from './timing.js';

/** One header line. Headers are kept as a list so order, case and duplicates survive. */
export interface Header {
  name: string;
  value: string;
}

/** Why a body was captured only in part (BodyInfo.truncatedReason, HAR `_netlens.bodies`, NDJSON). */
export const TRUNCATED_REASONS = ['cap', 'disk_behind', 'disk_error', 'spill_budget'] as const;
export type TruncatedReason = (typeof TRUNCATED_REASONS)[number];
/** Each reason in words, for the terse line, the HAR comment and the UI. */
export const TRUNCATED_BECAUSE: Record<TruncatedReason, string> = {
  cap: 'capture cap',
  disk_behind: 'the disk fell behind',
  disk_error: 'disk error',
  spill_budget: 'spill budget reached',
};

export interface BodyInfo {
  /** Bytes as they crossed the wire (after any content-encoding). */
  sizeBytes: number;
  /** Bytes after decoding gzip/deflate/br, when the body was encoded and decoding succeeded. */
  decodedSizeBytes?: number;
  /** How many bytes of the body NetLens kept (less than sizeBytes when truncated). */
  capturedBytes: number;
  /** The capture stopped short: the stored body is the first capturedBytes only. */
  truncated: boolean;
  /**
   * Why, when truncated: `cap` the body is larger than the capture cap (bodyCaptureCapBytes);
   * `disk_behind` the spill file fell too far behind the wire and capturing stopped rather than
   * slow the transfer, or the session's writer fell behind and left the body out of the session;
   * `disk_error` the spill file or the session could not be written; `spill_budget` the spill
   * folder held its budget of bytes (spillBudgetBytes) and capturing stopped there.
   */
  truncatedReason?: TruncatedReason;
  contentType?: string;
  /** Value of Content-Encoding, when present. */
  contentEncoding?: string;
}

export interface TlsInfo {
  /** e.g. `TLSv1.3` */
  protocol?: string;
  cipher?: string;
  alpn?: string;
  /** SNI sent (upstream) or received (client side). */
  servername?: string;
  /** Upstream certificate summary. */
  certificate?: CertificateSummary;
  /** The user opted out of verification for this host. */
  verificationDisabled?: boolean;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFromMs: number;
  validToMs: number;
  fingerprint256?: string;
  serialNumber?: string;
}

export interface ConnectionInfo {
  /** Id of the upstream connection; exchanges sharing it were carried on the same socket. */
  id: string;
  /** The upstream connection carried an earlier exchange (no dns/connect/ssl this time). */
  reused: boolean;
  clientAddress?: string;
  clientPort?: number;
  serverIp?: string;
  serverPort?: number;
  /** Upstream TLS (NetLens ↔ server). */
  tls?: TlsInfo;
  /** Client TLS (client ↔ NetLens), for intercepted HTTPS. */
  clientTls?: TlsInfo;
}

export interface RequestInfo {
  method: string;
  /** Absolute URL. */
  url: string;
  /** e.g. `HTTP/1.1` */
  httpVersion: string;
  /** The head as it went upstream (hop-by-hop fields removed, Host set from the target). */
  headers: Header[];
  /**
   * The head as the client sent it, present only when it differs from `headers` (a proxy drops
   * Connection, Proxy-Connection, Proxy-Authorization, Upgrade... and sets Host).
   */
  clientHeaders?: Header[];
  body: BodyInfo;
}

export interface ResponseInfo {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Header[];
  body: BodyInfo;
}

export type ExchangeKind = 'http' | 'tunnel' | 'websocket';
export type ExchangeState = 'pending' | 'complete' | 'failed';

export interface TunnelInfo {
  /** Why this CONNECT was tunnelled instead of intercepted. */
  reason: 'pass_through_host' | 'client_rejected_certificate' | 'not_tls';
  bytesFromClient: number;
  bytesFromServer: number;
}

export interface WebSocketInfo {
  messagesFromClient: number;
  messagesFromServer: number;
  bytesFromClient: number;
  bytesFromServer: number;
  closedAtMs?: number;
}

export interface RuleActionInfo {
  ruleId: string;
  ruleName: string;
  /** What the rule did, e.g. `delay 500 ms`, `reset after headers`, `mock 503`. */
  action: string;
}

export interface RetryInfo {
  chainId: string;
  /** 1 for the first attempt of the chain. */
  attempt: number;
}

/**
 * One exchange as the engine records it. Bodies are not part of it: they stay in the engine
 * and are fetched on demand by id (`exchanges:body`).
 */
export interface Exchange {
  id: string;
  /** Monotonic sequence number within an engine run; sorts exchanges by start. */
  seq: number;
  kind: ExchangeKind;
  state: ExchangeState;
  /** Epoch ms when the proxy received the request (or CONNECT). */
  startedAtMs: number;
  /** Total time; undefined while pending. */
  durationMs?: number;
  request: RequestInfo;
  response?: ResponseInfo;
  timings: Timings;
  connection: ConnectionInfo;
  error?: NetlensError;
  tunnel?: TunnelInfo;
  websocket?: WebSocketInfo;
  rule?: RuleActionInfo;
  retry?: RetryInfo;
  /** Free-form tags set by analysis (e.g. trace id). */
  traceId?: string;
  /**
   * Where the exchange came from (see shared/source.ts): a client NetLens launched or configured
   * (`chromium#1`, `firefox#2`, `terminal#3`, `docker#4`), the OS proxy (`system`), or a client
   * pointed at the proxy by hand (`manual`). Absent in imported HAR files that do not carry it.
   */
  source?: string;
}

export type BodySide = 'request' | 'response';

export interface BodyPayload {
  /** Body bytes, base64. Decoded (gzip/deflate/br removed) when `decoded` is true. */
  base64: string;
  decoded: boolean;
  truncated: boolean;
  sizeBytes: number;
  contentType?: string;
}

export function headerValue(headers: readonly Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const header of headers) if (header.name.toLowerCase() === lower) return header.value;
  return undefined;
}
