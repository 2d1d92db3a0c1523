import type { NetlensError } from './errors.js';
import type { Timings } from './timing.js';
import type { GrpcDecodedMessages } from './grpcMessageJson.js';

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
   * Connection, Proxy-Connection, Proxy-Authorization, Upgrade... and sets Host; an HTTP/2
   * client's pseudo-headers are kept here when the request went upstream as HTTP/1.1).
   */
  clientHeaders?: Header[];
  body: BodyInfo;
  /** Trailer fields after the body (HTTP/2 trailers, or chunked HTTP/1.1 ones), when there were any. */
  trailers?: Header[];
}

export interface ResponseInfo {
  status: number;
  statusText: string;
  httpVersion: string;
  /** As the server sent it; an HTTP/2 response's `:status` pseudo-header included. */
  headers: Header[];
  body: BodyInfo;
  /** Trailer fields after the body (gRPC's `grpc-status` among them), when there were any. */
  trailers?: Header[];
}

export type ExchangeKind = 'http' | 'tunnel' | 'websocket';
export type ExchangeState = 'pending' | 'complete' | 'failed';

export interface TunnelInfo {
  /**
   * Why this CONNECT was tunnelled instead of intercepted; `tcp_proxy`: a connection through one of
   * the TCP proxies of the toxiproxy-compatible API (docs/toxiproxy.md), not a CONNECT at all.
   */
  reason: 'pass_through_host' | 'client_rejected_certificate' | 'not_tls' | 'tcp_proxy';
  bytesFromClient: number;
  bytesFromServer: number;
  /** TCP proxies: the proxy's name... */
  proxyName?: string;
  /** ...the address it listens on (host:port)... */
  listen?: string;
  /** ...and how the connection ended, e.g. `client closed`, `upstream reset`, `limit_data toxic`. */
  closeReason?: string;
}

export interface WebSocketInfo {
  messagesFromClient: number;
  messagesFromServer: number;
  bytesFromClient: number;
  bytesFromServer: number;
  closedAtMs?: number;
  /**
   * The message log: every frame either way (data, continuation and control frames), in order,
   * up to a limit (see `framesNotRecorded`). Filled in when the WebSocket closes.
   */
  frames?: WebSocketFrame[];
  /** Frames that came after the log was full: counted, not kept. */
  framesNotRecorded?: number;
}

/** One WebSocket frame as it passed NetLens (RFC 6455 §5.2). */
export interface WebSocketFrame {
  /** `send`: client → server; `receive`: server → client (the words of Chrome's HAR). */
  direction: 'send' | 'receive';
  /** Epoch ms when the frame's last byte passed. */
  timeMs: number;
  /** 1 text, 2 binary, 8 close, 9 ping, 10 pong; a continuation shows its message's (1 or 2). */
  opcode: number;
  /** Payload bytes of the frame. */
  sizeBytes: number;
  /** Its first bytes: text for a text frame that decodes as UTF-8, base64 otherwise. */
  data: string;
  encoding?: 'base64';
  /** Only the first bytes are kept. */
  truncated?: true;
  /** Not the last fragment of its message (FIN clear). */
  fin?: false;
  /** Compressed with permessage-deflate (RFC 7692): `data` is the compressed bytes. */
  compressed?: true;
}

/** An HTTP/2 error code (RFC 9113 §7) with its name, e.g. 0x8 `CANCEL`. */
export interface Http2ErrorCode {
  code: number;
  name: string;
}

/** RST_STREAM on this exchange's stream (RFC 9113 §6.4). */
export interface Http2Reset extends Http2ErrorCode {
  /** Who sent it: the client, the server, or NetLens (to either side). */
  by: 'client' | 'server' | 'netlens';
}

/** GOAWAY on one of the exchange's connections (RFC 9113 §6.8). */
export interface Http2GoAway extends Http2ErrorCode {
  by: 'client' | 'server' | 'netlens';
  /** The last stream the sender processed: streams above it were not, and may be retried. */
  lastStreamId: number;
  /** Opaque debug data the sender attached, as text when printable. */
  debug?: string;
}

/** The SETTINGS an HTTP/2 server announced (RFC 9113 §6.5.2), as the upstream session received them. */
export interface Http2Settings {
  headerTableSize?: number;
  enablePush?: boolean;
  maxConcurrentStreams?: number;
  initialWindowSize?: number;
  maxFrameSize?: number;
  maxHeaderListSize?: number;
  enableConnectProtocol?: boolean;
}

/** What HTTP/2 added to an exchange: its streams on either side, and how they ended. */
export interface Http2Info {
  /** The stream on the client's HTTP/2 connection to NetLens (absent when the client spoke HTTP/1.1). */
  clientStreamId?: number;
  /** The client's HTTP/2 connection to NetLens (`k3`): every stream of it carries the same id. */
  clientConnectionId?: string;
  /** The client spoke HTTP/2 without TLS (h2c with prior knowledge). */
  clientCleartext?: boolean;
  /** The stream on the upstream HTTP/2 connection (`connection.id`), when NetLens spoke HTTP/2 upstream. */
  upstreamStreamId?: number;
  /**
   * The priority the client gave the stream: RFC 9113 §5.3.2's weight (1–256) when its HEADERS
   * carried one, and RFC 9218's `priority` field (urgency 0–7, incremental).
   */
  priority?: {
    weight?: number;
    exclusive?: boolean;
    dependsOn?: number;
    urgency?: number;
    incremental?: boolean;
  };
  /** RST_STREAM that ended the stream on either side. */
  reset?: Http2Reset;
  /** GOAWAY that ended (or was about to end) one of its connections. */
  goAway?: Http2GoAway;
  /** The upstream server's SETTINGS, as its connection had them when this exchange ended. */
  serverSettings?: Http2Settings;
}

/** A gRPC call (content-type `application/grpc*`), from its head and trailers. */
export interface GrpcInfo {
  /** `package.Service`, from the path `/package.Service/Method`. */
  service: string;
  method: string;
  /** gRPC-Web (`application/grpc-web`, `-text`: base64) rather than gRPC over HTTP/2. */
  web?: 'binary' | 'text';
  /** `grpc-encoding` of the messages (`gzip`, `identity`…), when set. */
  encoding?: string;
  /** Length-prefixed messages each way (counted from the captured bodies once the call ended). */
  requestMessages?: number;
  responseMessages?: number;
  /** grpc-status (0 OK … 16 UNAUTHENTICATED), from the trailers (or a trailers-only response). */
  status?: number;
  /** Its name, e.g. `UNAVAILABLE`. */
  statusName?: string;
  /** grpc-message, percent-decoded. */
  message?: string;
  /**
   * The messages decoded, as JSON: set on an exchange imported from a NetLens HAR
   * (`_netlens.grpc.decoded`), so it exports again as it came.
   */
  decoded?: GrpcDecodedMessages;
}

export interface RuleActionInfo {
  /** The (first) rule that acted. */
  ruleId: string;
  ruleName: string;
  /**
   * What the rules did, e.g. `latency 512 ms before the response`, `reset after 0 body bytes`,
   * `mock 503`; the actions of a further rule (after a `continue`) are prefixed with its name.
   */
  actions: string[];
  /** Every other rule that acted (a rule with `continue` lets later ones add their actions). */
  alsoRules?: { ruleId: string; ruleName: string }[];
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
  /** HTTP/2 streams and their ends, when either side spoke HTTP/2. */
  http2?: Http2Info;
  /** A gRPC or gRPC-Web call. */
  grpc?: GrpcInfo;
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
  /** A replay (resent from the UI, source `replay`): the id of the exchange it was made from. */
  replayOf?: string;
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
