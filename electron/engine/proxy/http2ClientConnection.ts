import http2 from 'node:http2';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TlsInfo } from '../../../shared/model.js';
import { http2ErrorCode, http2FrameDetail } from '../../../shared/http2Codes.js';
import { failure } from '../analysis/diagnose.js';
import type { ClientContext } from './clientContext.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { resetStream, wasResetByNetLens } from './http2StreamReset.js';

/** What is known of a client's HTTP/2 connection before its first stream. */
export interface Http2ClientContext {
  /** The client's TCP socket (under TLS for intercepted HTTPS). */
  rawSocket: net.Socket;
  /** Set inside a CONNECT tunnel: the origin the client asked for. */
  tunnel?: ClientContext['tunnel'];
  clientTls?: TlsInfo;
  source?: string;
  viaSourceListener?: boolean;
  /** h2c: HTTP/2 without TLS, by prior knowledge (RFC 9113 §3.3). */
  cleartext: boolean;
}

/** A new stream of a connection, handed on once it is known to be a request worth forwarding. */
export type StreamHandler = (
  connection: Http2ClientConnection,
  stream: http2.ServerHttp2Stream,
  rawHeaders: string[],
  flags: number,
) => void;

/**
 * Rapid reset (CVE-2023-44487): a client opening streams and resetting them at once makes the
 * server start work it never finishes. Streams are started after the read that brought them
 * (a HEADERS and its RST_STREAM in one read never reach the upstream), and client resets are
 * metered by a token bucket: past RESET_BURST, beyond RESET_RATE_PER_S, the connection is closed
 * with GOAWAY ENHANCE_YOUR_CALM.
 */
const RESET_BURST = 200;
const RESET_RATE_PER_S = 50;
/** Streams reset before they started that are still recorded one by one; the rest are counted. */
const RECORDED_EARLY_RESETS = 10;
/** A connection without streams is closed after this (as the HTTP/1.1 server's keep-alive timeout). */
const IDLE_TIMEOUT_MS = 30_000;

let connectionCounter = 0;

/**
 * One client HTTP/2 connection to NetLens (an http2 server session): it dispatches streams to
 * the HTTP/2 adapter, meters abuse, and records what fails at the connection level — a client
 * that breaks the protocol, floods, or goes away — as an exchange of its own (method `PRI`, the
 * method of the HTTP/2 connection preface), since no stream carries it.
 */
export class Http2ClientConnection {
  readonly id: string;
  /** The client's GOAWAY, once it sent one: its streams above lastStreamId were never started. */
  goAwayFromClient: { code: number; lastStreamId: number } | undefined;
  private readonly pending: { stream: http2.ServerHttp2Stream; raw: string[]; flags: number }[] = [];
  private flushScheduled = false;
  private active = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private tokens = RESET_BURST;
  private lastRefillMs = Date.now();
  private earlyResets = 0;
  /** The highest client stream id seen, and the streams Node's HTTP/2 layer refused unseen. */
  private highestStreamId = 0;
  private refusedStreams = 0;
  private failed = false;
  private readonly startedAtMs = performance.now();

  constructor(
    readonly session: http2.ServerHttp2Session,
    readonly context: Http2ClientContext,
    private readonly deps: ForwarderDeps,
    private readonly onStream: StreamHandler,
  ) {
    connectionCounter += 1;
    this.id = `k${connectionCounter}`;
    session.on('stream', (stream, _headers, flags, rawHeaders) =>
      this.enqueue(stream, rawHeaders as unknown as string[], flags),
    );
    session.on('error', (error: Error & { code?: string }) => this.onError(error));
    session.on('goaway', (code: number, lastStreamId: number) => {
      this.goAwayFromClient = { code, lastStreamId };
    });
    session.on('frameError', () => {
      // A frame NetLens could not send: its stream closes and reports it.
    });
    session.once('close', () => {
      this.clearIdle();
      this.pending.length = 0;
    });
    session.once('connect', () => {
      try {
        session.setLocalWindowSize(8 * 1024 * 1024);
      } catch {
        // The session closed under us.
      }
    });
    this.armIdle();
  }

  /**
   * Streams the client opened that never became a 'stream' event: Node's HTTP/2 layer (nghttp2)
   * reset them itself, with PROTOCOL_ERROR, because their HEADERS broke RFC 9113 §8.2–8.3 (a
   * missing, repeated, unknown or misplaced pseudo-header, an uppercase or connection-specific
   * field name), or with REFUSED_STREAM past SETTINGS_MAX_CONCURRENT_STREAMS. Node says nothing
   * of them; the session's last processed stream id shows them, below `upTo`. Recorded one by
   * one up to RECORDED_EARLY_RESETS, the rest counted.
   */
  private noteRefusedStreams(upTo: number): void {
    const first = this.highestStreamId + (this.highestStreamId === 0 ? 1 : 2);
    this.highestStreamId = Math.max(this.highestStreamId, upTo - 2);
    const limit = this.session.localSettings?.maxConcurrentStreams;
    const overLimit = limit !== undefined && this.active >= limit;
    for (let id = first; id < upTo; id += 2) {
      this.refusedStreams += 1;
      if (this.refusedStreams > RECORDED_EARLY_RESETS) continue;
      const code = overLimit
        ? http2.constants.NGHTTP2_REFUSED_STREAM
        : http2.constants.NGHTTP2_PROTOCOL_ERROR;
      const recorder = this.recorder('PRI', this.originUrl(), {
        clientStreamId: id,
        reset: { by: 'netlens', ...http2ErrorCode(code) },
      });
      const reason = overLimit
        ? `the client opened stream ${id} with ${this.active} streams open, over the ${limit} it may have at once (SETTINGS_MAX_CONCURRENT_STREAMS)`
        : `the client's HEADERS on stream ${id} are malformed (RFC 9113 §8.2–8.3: a missing, repeated, unknown or misplaced pseudo-header, or an uppercase or connection-specific field name); the HTTP/2 layer refused the stream before NetLens could read the request`;
      recorder.fail(
        failure('protocol_error', {
          ...this.where(),
          phase: 'request',
          elapsedMs: recorder.elapsedMs(),
          detail: http2FrameDetail('RST_STREAM', code, 'netlens', reason),
        }),
      );
    }
  }

  /** Streams are started after the current read (see RESET_BURST): a batch per read. */
  private enqueue(stream: http2.ServerHttp2Stream, raw: string[], flags: number): void {
    stream.on('error', () => {
      // Each stream reports its own end through 'close'.
    });
    if (stream.id !== undefined && stream.id > this.highestStreamId) {
      this.noteRefusedStreams(stream.id);
      this.highestStreamId = stream.id;
    }
    this.active += 1;
    this.clearIdle();
    stream.once('close', () => {
      this.active -= 1;
      if (
        !stream.headersSent &&
        !wasResetByNetLens(stream) &&
        stream.rstCode !== undefined &&
        stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR
      ) {
        this.clientReset();
      }
      if (this.active === 0) this.armIdle();
      // A refused stream after the last one that was read shows once the session has moved on.
      const last = this.session.destroyed ? undefined : this.session.state?.lastProcStreamID;
      if (last !== undefined && last > this.highestStreamId) this.noteRefusedStreams(last + 2);
    });
    this.pending.push({ stream, raw, flags });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    for (const { stream, raw, flags } of batch) {
      if (this.failed || this.session.destroyed) return;
      if (stream.closed || stream.destroyed) {
        this.earlyReset(stream, raw);
        continue;
      }
      try {
        this.onStream(this, stream, raw, flags);
      } catch (error) {
        // A bug in handling one stream costs that stream, not the connection.
        resetStream(stream, http2.constants.NGHTTP2_INTERNAL_ERROR);
        process.emitWarning(
          `NetLens dropped an HTTP/2 stream after an internal error: ${(error as Error).stack ?? error}`,
        );
      }
    }
  }

  /** A stream the client reset in the same read that opened it: nothing went upstream. */
  private earlyReset(stream: http2.ServerHttp2Stream, raw: string[]): void {
    this.earlyResets += 1;
    if (this.earlyResets > RECORDED_EARLY_RESETS) return;
    const code = stream.rstCode ?? http2.constants.NGHTTP2_CANCEL;
    const method = valueOf(raw, ':method') ?? 'GET';
    const authority = valueOf(raw, ':authority') ?? this.context.tunnel?.host ?? '';
    const scheme = valueOf(raw, ':scheme') ?? this.context.tunnel?.scheme ?? 'http';
    const recorder = this.recorder(method, `${scheme}://${authority}${valueOf(raw, ':path') ?? '/'}`, {
      clientStreamId: stream.id!,
      reset: { by: 'client', ...http2ErrorCode(code) },
    });
    const error = failure('client_aborted', {
      ...this.where(),
      phase: 'request',
      elapsedMs: recorder.elapsedMs(),
      detail: http2FrameDetail('RST_STREAM', code, 'client'),
    });
    recorder.fail(error);
  }

  private clientReset(): void {
    const now = Date.now();
    this.tokens = Math.min(RESET_BURST, this.tokens + ((now - this.lastRefillMs) / 1000) * RESET_RATE_PER_S);
    this.lastRefillMs = now;
    this.tokens -= 1;
    if (this.tokens >= 0 || this.failed) return;
    const code = http2.constants.NGHTTP2_ENHANCE_YOUR_CALM;
    this.fail(
      code,
      `the client reset streams faster than ${RESET_RATE_PER_S} a second after a burst of ${RESET_BURST} (an HTTP/2 rapid-reset pattern, CVE-2023-44487); ${this.earlyResets + this.pending.filter((p) => p.stream.closed || p.stream.destroyed).length} were reset before NetLens started them`,
    );
  }

  /**
   * Node's HTTP/2 layer found the client breaking the protocol (a malformed frame, a bad
   * preface, too many invalid frames): it has sent GOAWAY and closes the connection.
   */
  private onError(error: Error & { code?: string }): void {
    if (this.failed) return;
    const code =
      error.code === 'ERR_HTTP2_TOO_MANY_INVALID_FRAMES' || error.code === 'ERR_HTTP2_SESSION_ERROR'
        ? http2.constants.NGHTTP2_ENHANCE_YOUR_CALM
        : http2.constants.NGHTTP2_PROTOCOL_ERROR;
    this.fail(code, error.message, false);
  }

  /** Ends the connection with GOAWAY and records why, once. */
  private fail(code: number, reason: string, sendGoAway = true): void {
    this.failed = true;
    this.clearIdle();
    const recorder = this.recorder('PRI', this.originUrl(), {
      goAway: {
        by: 'netlens',
        ...http2ErrorCode(code),
        lastStreamId: this.session.state?.lastProcStreamID ?? 0,
      },
    });
    const error = failure('protocol_error', {
      ...this.where(),
      phase: 'request',
      elapsedMs: Math.max(0, performance.now() - this.startedAtMs),
      detail: http2FrameDetail('GOAWAY', code, 'netlens', reason),
    });
    recorder.fail(error);
    if (sendGoAway && !this.session.destroyed) {
      this.session.goaway(code, this.session.state?.lastProcStreamID ?? 0, Buffer.from(reason.slice(0, 200)));
      this.session.destroy();
    }
  }

  private recorder(
    method: string,
    url: string,
    http2Info: NonNullable<ConstructorParameters<typeof ExchangeRecorder>[1]['http2']>,
  ): ExchangeRecorder {
    const ctx = this.context;
    return new ExchangeRecorder(
      this.deps.sink,
      {
        kind: 'http',
        method,
        url,
        httpVersion: 'HTTP/2.0',
        headers: [],
        clientAddress: ctx.rawSocket.remoteAddress,
        clientPort: ctx.rawSocket.remotePort,
        clientTls: ctx.clientTls,
        source: ctx.source,
        captureRequestBody: false,
        http2: {
          clientConnectionId: this.id,
          ...(ctx.cleartext ? { clientCleartext: true } : {}),
          ...http2Info,
        },
      },
      this.deps.strings,
    );
  }

  private where(): { host: string; port: number } {
    const tunnel = this.context.tunnel;
    return tunnel
      ? { host: tunnel.host, port: tunnel.port }
      : { host: 'NetLens', port: this.context.rawSocket.localPort ?? 0 };
  }

  private originUrl(): string {
    const tunnel = this.context.tunnel;
    if (tunnel) return `${tunnel.scheme}://${tunnel.authority ?? `${tunnel.host}:${tunnel.port}`}/`;
    return `http://${this.context.rawSocket.localAddress ?? '127.0.0.1'}:${this.context.rawSocket.localPort ?? 0}/`;
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      if (this.active === 0 && !this.session.destroyed) this.session.close();
    }, IDLE_TIMEOUT_MS);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

function valueOf(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === name) return raw[i + 1];
  return undefined;
}
