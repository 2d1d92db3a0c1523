import http from 'node:http';
import http2 from 'node:http2';
import type tls from 'node:tls';
import { hostMatches } from '../../../shared/settings.js';
import { http2FrameDetail } from '../../../shared/http2Codes.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { toHeaderList } from './hopByHop.js';
import { headersObject, http2RequestHead, rawValue } from './http2Headers.js';
import { Http1UpstreamLeg } from './http1UpstreamLeg.js';
import { http2OriginKey } from './http2OriginKey.js';
import type { Http2Origin, PooledSession, SessionWaiter } from './http2SessionPool.js';
import type { LifecycleEvent, SetupPhase } from './lifecycleMessages.js';
import type { UpstreamConnection } from './upstreamAgent.js';
import type { LegReporter, UpstreamLeg, UpstreamRequestHead } from './upstreamLeg.js';
import { resetStream } from './http2StreamReset.js';

const READY: LifecycleEvent = { type: 'upstreamReady' };
const REQUEST_SENT: LifecycleEvent = { type: 'requestSent' };
const UPSTREAM_BLOCKED: LifecycleEvent = { type: 'upstreamBlocked' };
const UPSTREAM_DRAINED: LifecycleEvent = { type: 'upstreamDrained' };
const UPSTREAM_CONTINUE: LifecycleEvent = { type: 'upstreamContinue' };
const HTTP2_VERSION = '2.0';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_PROTOCOL_ERROR, NGHTTP2_NO_ERROR } = http2.constants;

/** An error that already knows its class and detail (see classifyError); `unprocessed`: safe to retry. */
function streamError(
  message: string,
  code: string,
  errorClass: 'connection_reset' | 'protocol_error',
  detail: string,
  unprocessed = false,
): Error {
  return Object.assign(new Error(message), { code, errorClass, detail, unprocessed });
}

/**
 * A request carried as a stream of a pooled upstream HTTP/2 session (RFC 9113). The stream's
 * frames become lifecycle events: HEADERS → `responseHead` (`:status` kept in the record),
 * DATA → `responseChunk`, trailing HEADERS → the trailers of `responseEnd`, RST_STREAM → a failure
 * naming its code. A stream the server refused (REFUSED_STREAM) or left unprocessed by a GOAWAY
 * (RFC 9113 §8.7) is marked so: the lifecycle sends a bodiless request again. When the server
 * turns out to speak only HTTP/1.1, the request continues as an Http1UpstreamLeg.
 */
export class Http2UpstreamLeg implements UpstreamLeg {
  private stream: http2.ClientHttp2Stream | undefined;
  private session: PooledSession | undefined;
  private fallback: UpstreamLeg | undefined;
  private withdraw: (() => void) | undefined;
  private resetCode: number | undefined;
  private rawTrailers: string[] = [];
  private aborted = false;
  private released = false;

  constructor(
    private readonly head: UpstreamRequestHead,
    private readonly reporter: LegReporter,
    private readonly deps: ForwarderDeps,
    /** Offer HTTP/1.1 too (a client that spoke HTTP/2); false when the origin is known to speak h2. */
    private readonly allowHttp1: boolean,
  ) {}

  get serverResetCode(): number | undefined {
    return this.fallback ? this.fallback.serverResetCode : this.resetCode;
  }

  open(): void {
    const { target } = this.head;
    const settings = this.deps.settings();
    const origin: Http2Origin = {
      key: http2OriginKey(target, this.deps),
      tls: target.tls,
      host: target.host,
      port: target.port,
      rejectUnauthorized: !hostMatches(settings.insecureHosts, target.host),
      allowHttp1: this.allowHttp1,
    };
    if (target.tls && !this.deps.ipLiterals.has(target.host)) origin.servername = target.host;
    if (this.deps.upstreamSecureContext) origin.secureContext = this.deps.upstreamSecureContext;
    const waiter: SessionWaiter = {
      connecting: (conn: UpstreamConnection) => {
        if (this.current()) this.reporter.handle({ type: 'upstreamSocket', connection: conn, reused: false });
      },
      setupProgress: (phase: SetupPhase) => {
        if (this.current()) this.reporter.handle({ type: 'setupProgress', phase });
      },
      ready: (session: PooledSession, reused: boolean) => {
        this.withdraw = undefined;
        if (!this.current()) {
          this.deps.http2Pool.release(session);
          return;
        }
        this.start(session, reused);
      },
      http1: (socket: tls.TLSSocket | undefined) => {
        this.withdraw = undefined;
        if (!this.current()) {
          socket?.destroy();
          return;
        }
        this.fallback = new Http1UpstreamLeg(this.head, this.reporter, this.deps, { socket });
        this.fallback.open();
      },
      failed: (error: Error) => {
        this.withdraw = undefined;
        if (this.current()) this.reporter.handle({ type: 'upstreamError', error });
      },
    };
    this.withdraw = this.deps.http2Pool.acquire(origin, waiter);
  }

  private current(): boolean {
    return !this.aborted && !this.reporter.settled;
  }

  /** The session has room: the stream opens, and the lifecycle learns the connection is ready. */
  private start(session: PooledSession, reused: boolean): void {
    const { head, reporter, deps } = this;
    this.session = session;
    const { target } = head;
    const raw = http2RequestHead(
      {
        method: head.method,
        scheme: target.tls ? 'https' : 'http',
        authority: rawValue(head.http1Head, 'host') ?? hostHeaderOf(head.http1Head) ?? target.authority,
        path: target.path,
      },
      head.http1Head,
    );
    const waitForTrailers = head.withBody && hostHeaderOf(head.http1Head, 'trailer') !== undefined;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.session.request(headersObject(raw), {
        endStream: !head.withBody,
        waitForTrailers,
      });
    } catch (error) {
      this.releaseSlot();
      reporter.handle({ type: 'upstreamError', error: error as Error });
      return;
    }
    this.stream = stream;
    reporter.sentHead(toHeaderList(raw, undefined, deps.strings), 'HTTP/2.0');
    if (reused) reporter.handle({ type: 'upstreamSocket', connection: session.conn, reused: true });
    else reporter.handle(READY);
    if (!this.current()) return;
    if (!head.withBody) reporter.handle(REQUEST_SENT);
    else {
      stream.on('drain', () => {
        if (this.current()) reporter.handle(UPSTREAM_DRAINED);
      });
      stream.on('finish', () => {
        if (this.current()) reporter.handle(REQUEST_SENT);
      });
    }
    stream.once('ready', () => reporter.upstreamHttp2({ streamId: stream.id! }));
    if (stream.id !== undefined) reporter.upstreamHttp2({ streamId: stream.id });
    stream.on('error', () => {
      // Reported on 'close', with the stream's RST code.
    });
    stream.on('continue', () => {
      if (this.current()) reporter.handle(UPSTREAM_CONTINUE);
    });
    stream.on('response', (headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders?: string[]) => {
      if (!this.current()) return;
      // The server's SETTINGS came before its first response (RFC 9113 §3.4).
      const settings = session.serverSettings();
      if (settings) reporter.upstreamHttp2({ serverSettings: settings });
      const status = Number(headers[':status'] ?? 502);
      reporter.handle({
        type: 'responseHead',
        status,
        statusText: http.STATUS_CODES[status] ?? '',
        httpVersion: HTTP2_VERSION,
        rawHeaders: rawHeaders ?? flatten(headers),
      });
      // Read only once the head is in: a stream opened before its session connected can have
      // its DATA pushed before 'response' is emitted, and body bytes ahead of the head would be
      // lost (the client then sees fewer bytes than the Content-Length it was given).
      stream.on('data', (chunk: Buffer) => reporter.handle({ type: 'responseChunk', chunk }));
    });
    stream.on('trailers', (headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders?: string[]) => {
      this.rawTrailers = rawHeaders ?? flatten(headers);
    });
    stream.on('end', () => {
      if (this.current()) reporter.handle({ type: 'responseEnd', rawTrailers: this.rawTrailers });
    });
    stream.once('close', () => this.onClose(stream));
  }

  write(chunk: Buffer): void {
    if (this.fallback) return this.fallback.write(chunk);
    const stream = this.stream;
    if (stream && !stream.destroyed && !stream.write(chunk)) this.reporter.handle(UPSTREAM_BLOCKED);
  }

  end(trailers?: readonly string[]): void {
    if (this.fallback) return this.fallback.end(trailers);
    const stream = this.stream;
    if (!stream || stream.destroyed) return;
    if (trailers && trailers.length > 0) {
      stream.once('wantTrailers', () => {
        try {
          stream.sendTrailers(headersObject(trailers));
        } catch {
          stream.sendTrailers({});
        }
      });
    }
    stream.end();
  }

  pauseResponse(): void {
    if (this.fallback) return this.fallback.pauseResponse();
    this.stream?.pause();
  }

  resumeResponse(): void {
    if (this.fallback) return this.fallback.resumeResponse();
    this.stream?.resume();
  }

  finished(discard: boolean): void {
    if (this.fallback) return this.fallback.finished(discard);
    // RFC 9113 §8.1: a complete response before the whole request was sent ends the request too.
    if (discard && this.stream) resetStream(this.stream, NGHTTP2_NO_ERROR);
  }

  abort(): void {
    if (this.fallback) return this.fallback.abort();
    this.aborted = true;
    this.withdraw?.();
    this.withdraw = undefined;
    const stream = this.stream;
    if (stream && !stream.closed && !stream.destroyed) resetStream(stream, NGHTTP2_CANCEL);
    else this.releaseSlot();
  }

  private releaseSlot(): void {
    if (this.released || !this.session) return;
    this.released = true;
    this.deps.http2Pool.release(this.session);
  }

  /** The stream closed: if it ended without its response, say why, from its code and the session's GOAWAY. */
  private onClose(stream: http2.ClientHttp2Stream): void {
    this.releaseSlot();
    const session = this.session!;
    const goAway = session.goAway;
    if (goAway) this.reporter.upstreamHttp2({ goAway });
    const settings = session.serverSettings();
    if (settings) this.reporter.upstreamHttp2({ serverSettings: settings });
    if (!this.current() || stream.readableEnded) return;
    const code = stream.rstCode ?? NGHTTP2_CANCEL;
    const id = stream.id ?? 0;
    // Streams above a GOAWAY's last stream id were never processed (RFC 9113 §6.8): safe to resend.
    const unprocessedByGoAway = goAway !== undefined && id > goAway.lastStreamId;
    if (unprocessedByGoAway) {
      this.reporter.handle({
        type: 'upstreamError',
        error: streamError(
          `The server's GOAWAY left stream ${id} unprocessed`,
          'ERR_HTTP2_GOAWAY_SESSION',
          'connection_reset',
          http2FrameDetail('GOAWAY', goAway.code, 'server', goAway.debug),
          true,
        ),
      });
      return;
    }
    if (!session.session.destroyed) {
      // The session lives on: the server reset this stream alone (RST_STREAM, RFC 9113 §6.4).
      this.resetCode = code;
      this.reporter.upstreamHttp2({ reset: { code } });
      const detail = http2FrameDetail('RST_STREAM', code, 'server');
      this.reporter.handle({
        type: 'upstreamError',
        error: streamError(
          `Stream closed with ${detail}`,
          'ERR_HTTP2_STREAM_ERROR',
          code === NGHTTP2_PROTOCOL_ERROR ? 'protocol_error' : 'connection_reset',
          detail,
          code === NGHTTP2_REFUSED_STREAM,
        ),
      });
      return;
    }
    if (goAway && goAway.code !== NGHTTP2_NO_ERROR) {
      // The server ended the whole connection with an error (RFC 9113 §5.4.1).
      const detail = http2FrameDetail('GOAWAY', goAway.code, 'server', goAway.debug);
      this.reporter.handle({
        type: 'upstreamError',
        error: streamError(
          `Connection closed with ${detail}`,
          'ERR_HTTP2_SESSION_ERROR',
          goAway.code === NGHTTP2_PROTOCOL_ERROR ? 'protocol_error' : 'connection_reset',
          detail,
        ),
      });
      return;
    }
    // The connection itself broke (a TCP reset, a close): the socket's own error says how.
    this.reporter.handle({ type: 'upstreamError', error: session.error ?? hangUp() });
  }
}

/** What Node's HTTP/1.1 client says for a connection closed under a request. */
function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

function flatten(headers: http2.IncomingHttpHeaders): string[] {
  const raw: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) raw.push(name, v);
    else if (value !== undefined) raw.push(name, String(value));
  }
  return raw;
}

/** A field of an HTTP/1.1 head, whatever the case of its name. */
function hostHeaderOf(raw: readonly string[], name = 'host'): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}
