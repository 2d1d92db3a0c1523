import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NetlensError } from '../../../shared/errors.js';
import type {
  BodyInfo,
  Exchange,
  ExchangeKind,
  Header,
  RuleActionInfo,
  Http2Info,
  Http2Settings,
  TlsInfo,
  WebSocketFrame,
} from '../../../shared/model.js';
import { MANUAL_SOURCE } from '../../../shared/source.js';
import { http2ErrorCode } from '../../../shared/http2Codes.js';
import type { BodyCapture } from '../capture/bodyCapture.js';
import type { ExchangeSink } from './exchangeSink.js';
import { GrpcTracker } from './grpcTracker.js';
import { toHeaderList } from './hopByHop.js';
import type { InternedStrings } from './internedStrings.js';
import { computeTimings, failureInstantMs, type PhaseMarks } from './phaseTimings.js';
import type { UpstreamConnection } from './upstreamAgent.js';

const PROGRESS_INTERVAL_MS = 250;

/**
 * Exchange ids: a random prefix per process run and a counter. Unique across runs (sessions and
 * HAR files of several runs are mixed), and far cheaper than a UUID per exchange. Up to 12
 * characters, V8 builds the id as one flat string (longer, a rope that every Map lookup of the
 * id first flattens into a second copy).
 */
const RUN_ID_PREFIX = (randomBytes(4).readUInt32BE(0) % 36 ** 6).toString(36).padStart(6, '0');
let exchangeCounter = 0;

export function nextExchangeId(): string {
  exchangeCounter += 1;
  return RUN_ID_PREFIX + exchangeCounter.toString(36);
}

export interface RecorderInit {
  kind: ExchangeKind;
  method: string;
  url: string;
  httpVersion: string;
  /** The head as it went upstream (or, when nothing went, as it came). */
  headers: Header[];
  /** The head as the client sent it, when it differs from `headers`. */
  clientHeaders?: Header[] | undefined;
  clientAddress?: string | undefined;
  clientPort?: number | undefined;
  clientTls?: TlsInfo | undefined;
  /** Capture the request body (false for CONNECT and for bodiless requests). */
  captureRequestBody?: boolean;
  /** Where the traffic comes from; `manual` when nothing says. */
  source?: string | undefined;
  /** HTTP/2 facts known at the start (the client's stream and connection). */
  http2?: Http2Info | undefined;
  /** The request's path (for gRPC calls, recognised by their content-type). */
  path?: string;
}

/**
 * The record of one exchange while it is in flight: the Exchange object, the monotonic marks
 * its timings come from, and the body taps. Works (and costs almost nothing) when capture is off:
 * then there is no Exchange, only the marks needed for diagnosis.
 */
/** What an upstream HTTP/2 stream and its session said (reported by the HTTP/2 leg). */
export interface UpstreamHttp2Facts {
  streamId?: number;
  reset?: { code: number };
  goAway?: { code: number; lastStreamId: number; debug?: string };
  serverSettings?: Http2Settings;
}

export class ExchangeRecorder {
  readonly exchange: Exchange | undefined;
  readonly marks: PhaseMarks;
  private requestCapture: BodyCapture | undefined;
  private responseCapture: BodyCapture | undefined;
  private requestBytes = 0;
  private responseBytes = 0;
  private lastProgressMs = 0;
  /** Set for a gRPC call (content-type `application/grpc*`). */
  private grpc: GrpcTracker | undefined;
  settled = false;

  constructor(
    private readonly sink: ExchangeSink,
    init: RecorderInit,
    private readonly strings?: InternedStrings,
  ) {
    this.marks = { startMs: performance.now(), reused: false };
    if (!sink.capturing) return;
    // Built in its final shape, fields that come later included (undefined until then): fields
    // added afterwards would cost each stored exchange a separate property array, and the
    // proxy a change of shape per field.
    this.exchange = {
      id: nextExchangeId(),
      seq: sink.nextSeq(),
      kind: init.kind,
      state: 'pending',
      startedAtMs: Date.now(),
      durationMs: undefined,
      request: {
        method: init.method,
        url: init.url,
        httpVersion: this.intern(init.httpVersion),
        headers: init.headers,
        body: bodyInfo(init.headers, 0),
      },
      response: undefined,
      timings: {},
      connection: {
        id: '',
        reused: false,
        clientAddress: init.clientAddress,
        clientPort: init.clientPort,
        clientTls: init.clientTls,
        serverIp: undefined,
        serverPort: undefined,
        tls: undefined,
      },
      error: undefined,
      source: init.source ?? MANUAL_SOURCE,
    };
    if (init.clientHeaders) this.exchange.request.clientHeaders = init.clientHeaders;
    if (init.http2) this.exchange.http2 = init.http2;
    const contentType = this.exchange.request.body.contentType;
    if (contentType !== undefined && contentType.startsWith('application/grpc')) {
      this.grpc = GrpcTracker.forRequest(contentType, init.path ?? pathOf(init.url));
      if (this.grpc) {
        this.grpc.requestHead(init.headers);
        this.exchange.grpc = this.grpc.info;
      }
    }
    if (init.captureRequestBody !== false) this.requestCapture = sink.openBody();
    try {
      sink.started(this.exchange);
    } catch (error) {
      recordingFailed(error);
    }
  }

  private intern(value: string): string {
    return this.strings ? this.strings.intern(value) : value;
  }

  elapsedMs(): number {
    return Math.round((performance.now() - this.marks.startMs) * 1000) / 1000;
  }

  /** The request was handed an upstream socket (fresh or pooled). */
  attachConnection(conn: UpstreamConnection | undefined, reused: boolean): void {
    this.marks.socketAssignedMs = performance.now();
    this.marks.reused = reused;
    if (conn && !reused) this.marks.connectionCreatedMs = conn.createdMs;
    if (!conn) return;
    conn.requests += 1;
    if (!this.exchange) return;
    const connection = this.exchange.connection;
    connection.id = conn.id;
    connection.reused = reused;
    this.syncConnection(conn);
  }

  /** Copies what the connection learnt since (server address, TLS) and its set-up marks. */
  syncConnection(conn: UpstreamConnection): void {
    if (!this.marks.reused) {
      if (conn.lookupEndMs !== undefined) this.marks.lookupEndMs = conn.lookupEndMs;
      if (conn.connectEndMs !== undefined) this.marks.connectEndMs = conn.connectEndMs;
      if (conn.secureEndMs !== undefined) this.marks.secureEndMs = conn.secureEndMs;
    }
    if (!this.exchange) return;
    const connection = this.exchange.connection;
    if (conn.serverIp !== undefined) connection.serverIp = conn.serverIp;
    if (conn.serverPort !== undefined) connection.serverPort = conn.serverPort;
    if (conn.tlsInfo) connection.tls = conn.tlsInfo;
  }

  /**
   * The head as it finally went upstream, when the protocol spoken there made it differ from the
   * one recorded at the start (an HTTP/2 request sent as HTTP/1.1, or the reverse): the first
   * becomes the client's head.
   */
  sentHead(headers: Header[]): void {
    const request = this.exchange?.request;
    if (!request || this.settled) return;
    if (sameHeaders(request.headers, headers)) return;
    request.clientHeaders ??= request.headers;
    request.headers = headers;
  }

  /** HTTP/2 facts as they come (a stream id, a reset, a GOAWAY, the server's settings). */
  http2(update: (info: Http2Info) => void): void {
    const exchange = this.exchange;
    if (!exchange || this.settled) return;
    update((exchange.http2 ??= {}));
  }

  /** What the upstream HTTP/2 stream and its session said (its id, the server's SETTINGS, a reset, a GOAWAY). */
  upstreamHttp2(update: UpstreamHttp2Facts): void {
    this.http2((info) => {
      if (update.streamId !== undefined) info.upstreamStreamId = update.streamId;
      if (update.serverSettings) info.serverSettings = update.serverSettings;
      if (update.reset) info.reset = { by: 'server', ...http2ErrorCode(update.reset.code) };
      if (update.goAway) {
        info.goAway = {
          by: 'server',
          ...http2ErrorCode(update.goAway.code),
          lastStreamId: update.goAway.lastStreamId,
          ...(update.goAway.debug !== undefined ? { debug: update.goAway.debug } : {}),
        };
      }
    });
  }

  requestTrailers(raw: readonly string[]): void {
    const request = this.exchange?.request;
    if (!request || this.settled || raw.length === 0) return;
    request.trailers = toHeaderList(raw, undefined, this.strings);
  }

  responseTrailers(raw: readonly string[]): void {
    const response = this.exchange?.response;
    if (!response || this.settled || raw.length === 0) return;
    response.trailers = toHeaderList(raw, undefined, this.strings);
    this.grpc?.responseTrailers(response.trailers);
  }

  /** Another attempt on a new connection replaces the first one's connection marks. */
  resetConnection(): void {
    delete this.marks.socketAssignedMs;
    delete this.marks.connectionCreatedMs;
    delete this.marks.lookupEndMs;
    delete this.marks.connectEndMs;
    delete this.marks.secureEndMs;
    delete this.marks.sentMs;
    this.marks.reused = false;
  }

  /**
   * The request is about to be written on a pooled socket: its send phase starts here. The
   * proxy's own work since the socket was assigned counts as waiting for it (blocked), not as
   * sending.
   */
  sendStarting(): void {
    if (this.marks.reused) this.marks.socketAssignedMs = performance.now();
  }

  markSent(): void {
    this.marks.sentMs ??= performance.now();
  }

  responseHead(status: number, statusText: string, httpVersion: string, headers: Header[]): void {
    this.marks.firstByteMs ??= performance.now();
    this.lastProgressMs = this.marks.firstByteMs;
    if (!this.exchange) return;
    this.exchange.response = {
      status,
      statusText: this.intern(statusText),
      httpVersion: this.intern(httpVersion),
      headers,
      body: bodyInfo(headers, 0),
    };
    if (this.responseCapture === undefined) this.responseCapture = this.sink.openBody();
    this.grpc?.responseHead(headers);
    this.report();
  }

  tapRequest(chunk: Buffer): void {
    this.requestBytes += chunk.length;
    this.requestCapture?.write(chunk);
    this.grpc?.requestChunk(chunk);
  }

  tapResponse(chunk: Buffer): void {
    this.responseBytes += chunk.length;
    this.responseCapture?.write(chunk);
    this.grpc?.responseChunk(chunk);
    // A long body shows its progress (bytes so far), a few times a second at most.
    const exchange = this.exchange;
    if (exchange?.response && !this.settled) {
      const now = performance.now();
      if (now - this.lastProgressMs >= PROGRESS_INTERVAL_MS) {
        this.lastProgressMs = now;
        exchange.response.body.sizeBytes = this.responseBytes;
        this.report();
      }
    }
  }

  get requestBodyBytes(): number {
    return this.requestBytes;
  }

  get responseBodyBytes(): number {
    return this.responseBytes;
  }

  /** Lets a caller adjust the exchange (tunnel, websocket info) before it is reported. */
  patch(update: (exchange: Exchange) => void): void {
    if (this.exchange && !this.settled) update(this.exchange);
  }

  progressed(): void {
    if (this.exchange && !this.settled) this.report();
  }

  /** New frames of this open WebSocket's log, for a live message list. */
  webSocketFrames(startIndex: number, frames: WebSocketFrame[], framesNotRecorded: number): void {
    if (!this.exchange || this.settled || !this.sink.webSocketFrames) return;
    try {
      this.sink.webSocketFrames(this.exchange.id, startIndex, frames, framesNotRecorded);
    } catch (error) {
      recordingFailed(error);
    }
  }

  /** A rule acts on this exchange (`_netlens.rule`): the record says so from the start. */
  ruleActed(info: RuleActionInfo): void {
    if (!this.exchange || this.settled) return;
    this.exchange.rule = info;
    this.report();
  }

  private report(): void {
    try {
      this.sink.progressed(this.exchange!);
    } catch (error) {
      recordingFailed(error);
    }
  }

  complete(): void {
    if (this.settled) return;
    this.marks.endMs ??= performance.now();
    this.finish();
  }

  fail(error: NetlensError): void {
    if (this.settled) return;
    this.marks.failedMs = failureInstantMs(this.marks, error.elapsedMs, performance.now());
    this.marks.failedPhase = error.phase;
    if (this.exchange) this.exchange.error = error;
    this.finish();
  }

  private finish(): void {
    this.settled = true;
    const exchange = this.exchange;
    if (!exchange) return;
    exchange.state = exchange.error ? 'failed' : 'complete';
    // A failure lasted until it happened (failureInstantMs): the duration its message states.
    exchange.durationMs =
      exchange.error && this.marks.failedMs !== undefined
        ? Math.round((this.marks.failedMs - this.marks.startMs) * 1000) / 1000
        : this.elapsedMs();
    exchange.timings = computeTimings(this.marks);
    if (this.grpc) exchange.grpc = { ...this.grpc.finish() };
    fillBody(exchange.request.body, this.requestBytes, this.requestCapture);
    if (exchange.response) fillBody(exchange.response.body, this.responseBytes, this.responseCapture);
    const bodies: { request?: BodyCapture; response?: BodyCapture } = {};
    if (this.requestCapture) bodies.request = this.requestCapture;
    if (this.responseCapture && exchange.response) bodies.response = this.responseCapture;
    else this.responseCapture?.discard();
    try {
      this.sink.finished(exchange, bodies);
    } catch (error) {
      recordingFailed(error);
    }
  }
}

function sameHeaders(a: readonly Header[], b: readonly Header[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1)
    if (a[i]!.name !== b[i]!.name || a[i]!.value !== b[i]!.value) return false;
  return true;
}

/** Path and query of an absolute URL (`/pkg.Service/Method`). */
function pathOf(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url);
  return match ? match[1] || '/' : url;
}

/** Recording must never break forwarding: a failure to record is dropped, the traffic goes on. */
function recordingFailed(error: unknown): void {
  process.emitWarning(`NetLens could not record an exchange: ${(error as Error).message}`);
}

function bodyInfo(headers: Header[], sizeBytes: number): BodyInfo {
  // One pass, lower-casing only names of the right length (the first field of a name wins).
  let contentType: string | undefined;
  let contentEncoding: string | undefined;
  for (const { name, value } of headers) {
    if (name.length === 12 && contentType === undefined && name.toLowerCase() === 'content-type') {
      contentType = value;
    } else if (
      name.length === 16 &&
      contentEncoding === undefined &&
      name.toLowerCase() === 'content-encoding'
    ) {
      contentEncoding = value;
    }
  }
  // Built in its final shape: fields added later would cost every stored exchange a
  // separate property array.
  if (contentType && contentEncoding) {
    return { sizeBytes, capturedBytes: 0, truncated: false, contentType, contentEncoding };
  }
  if (contentType) return { sizeBytes, capturedBytes: 0, truncated: false, contentType };
  if (contentEncoding) return { sizeBytes, capturedBytes: 0, truncated: false, contentEncoding };
  return { sizeBytes, capturedBytes: 0, truncated: false };
}

function fillBody(info: BodyInfo, sizeBytes: number, capture: BodyCapture | undefined): void {
  info.sizeBytes = sizeBytes;
  info.capturedBytes = capture ? capture.capturedBytes : 0;
  info.truncated = capture ? capture.truncated : false;
  if (capture?.truncatedReason) info.truncatedReason = capture.truncatedReason;
}
