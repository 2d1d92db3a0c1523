import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { isAlpnRefusal } from './alpnRefusal.js';
import { toHeaderList } from './hopByHop.js';
import { http2OriginKey } from './http2OriginKey.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import type { LifecycleEvent } from './lifecycleMessages.js';
import { flushedOnHandOver } from './socketFlush.js';
import { connectionOf, type UpstreamConnection } from './upstreamAgent.js';
import type { LegReporter, UpstreamLeg, UpstreamRequestHead } from './upstreamLeg.js';
import { upstreamHttpOptions } from './upstreamRequest.js';

const READY: LifecycleEvent = { type: 'upstreamReady' };
const SETUP_CONNECT: LifecycleEvent = { type: 'setupProgress', phase: 'connect' };
const SETUP_TLS: LifecycleEvent = { type: 'setupProgress', phase: 'tls' };
const REQUEST_SENT: LifecycleEvent = { type: 'requestSent' };
const UPSTREAM_BLOCKED: LifecycleEvent = { type: 'upstreamBlocked' };
const UPSTREAM_DRAINED: LifecycleEvent = { type: 'upstreamDrained' };
const UPSTREAM_CONTINUE: LifecycleEvent = { type: 'upstreamContinue' };

/** How a leg differs from the plain case (a pooled connection, a head the record does not have yet). */
export interface Http1LegOptions {
  /**
   * A connected socket to use once, instead of the pool: an HTTP/2 negotiation ended with the
   * server choosing HTTP/1.1 on it, and the lifecycle already counted its set-up.
   */
  socket?: net.Socket;
  /** The record already holds this head as sent (an HTTP/1.1 client's): nothing to report. */
  headRecorded?: boolean;
  /** The host-name lookup of a new connection (a rule's slow DNS). */
  lookup?: net.LookupFunction;
}

/**
 * A request carried upstream over HTTP/1.1 by Node's client through the pooled, instrumented
 * agents, for either client adapter (or over a socket handed to it, see Http1LegOptions).
 */
export class Http1UpstreamLeg implements UpstreamLeg {
  private request: http.ClientRequest | undefined;
  private response: http.IncomingMessage | undefined;
  private connection: UpstreamConnection | undefined;
  private trailers: string[] | undefined;

  constructor(
    private readonly head: UpstreamRequestHead,
    private readonly reporter: LegReporter,
    private readonly deps: ForwarderDeps,
    private readonly options: Http1LegOptions = {},
  ) {}

  get serverResetCode(): number | undefined {
    return undefined;
  }

  open(): void {
    const { head, deps, reporter } = this;
    const { target } = head;
    const options = upstreamHttpOptions(
      head.method,
      target,
      head.http1Head,
      deps,
      target.tls ? deps.agents.https : deps.agents.http,
    );
    if (this.options.lookup) options.lookup = this.options.lookup;
    const handed = this.options.socket;
    if (handed) {
      // Not through the agent: the negotiated socket is this request's alone, and closed after it.
      options.agent = undefined;
      options.createConnection = () => handed;
    }
    const request = target.tls ? https.request(options) : http.request(options);
    this.request = request;
    // An HTTP/2 client's head went upstream in its HTTP/1.1 form: that is what the record shows.
    if (this.options.headRecorded !== true) {
      reporter.sentHead(toHeaderList(head.http1Head, undefined, deps.strings), 'HTTP/1.1');
    }
    const current = (): boolean => this.request === request && !reporter.settled;
    request.on('socket', (socket: net.Socket) => {
      if (!current()) return;
      const conn = connectionOf(socket);
      this.connection = conn;
      if (handed) {
        // The lifecycle has this connection already, from the negotiation: it is ready now.
        reporter.handle(READY);
        return;
      }
      const reused = request.reusedSocket;
      reporter.handle({ type: 'upstreamSocket', connection: conn, reused });
      if (conn && !reused && conn.phase !== 'ready') this.watchSetup(request, socket, conn);
    });
    request.on('prefinish', () => {
      if (current() && flushedOnHandOver(request.socket)) reporter.handle(REQUEST_SENT);
    });
    request.on('finish', () => {
      if (current()) reporter.handle(REQUEST_SENT);
    });
    if (head.withBody) {
      request.on('drain', () => {
        if (current()) reporter.handle(UPSTREAM_DRAINED);
      });
    }
    if (head.expectsContinue) {
      request.on('continue', () => {
        if (current()) reporter.handle(UPSTREAM_CONTINUE);
      });
    }
    // Sent when the last byte is handed to a socket that takes it at once; else when Node says
    // the socket wrote it.
    request.on('response', (response) => this.onResponse(request, response));
    request.on('error', (error) => {
      if (!current()) return;
      // An HTTP/2-only server refused HTTP/1.1 in its handshake: remember it, so that the
      // lifecycle's next attempt (and every later request) goes to it over HTTP/2.
      if (target.tls && !handed && isAlpnRefusal(error)) {
        deps.http2Pool.learn(http2OriginKey(target, deps), 'h2');
      }
      // Body bytes parsed before the error (a malformed chunk after good ones) are still in the
      // response's buffer: they go to the client first, as they arrived.
      const response = this.response;
      if (response && !response.destroyed) while (response.read() !== null);
      reporter.handle({ type: 'upstreamError', error });
    });
    if (!head.withBody) request.end();
  }

  write(chunk: Buffer): void {
    const request = this.request;
    if (request && !request.destroyed && !request.write(chunk)) this.reporter.handle(UPSTREAM_BLOCKED);
  }

  end(trailers?: readonly string[]): void {
    const request = this.request;
    if (!request || request.destroyed) return;
    if (trailers && trailers.length > 0 && request.chunkedEncoding) {
      try {
        request.addTrailers(pairsOf(trailers));
      } catch {
        // An invalid trailer field is dropped, not the request.
      }
    }
    request.end();
  }

  pauseResponse(): void {
    this.response?.pause();
  }

  resumeResponse(): void {
    this.response?.resume();
  }

  finished(discard: boolean): void {
    if (discard || this.options.socket) this.request?.destroy();
  }

  abort(): void {
    this.response?.destroy();
    this.request?.destroy();
  }

  /** Trailer fields the response ended with. */
  get responseTrailers(): readonly string[] | undefined {
    return this.trailers;
  }

  private watchSetup(request: http.ClientRequest, socket: net.Socket, conn: UpstreamConnection): void {
    const current = (): boolean => this.request === request;
    socket.once('lookup', (error: Error | null) => {
      if (!error && current() && conn.phase === 'connect') this.reporter.handle(SETUP_CONNECT);
    });
    if (this.head.target.tls) {
      socket.once('connect', () => {
        if (current()) this.reporter.handle(SETUP_TLS);
      });
    }
    socket.once(this.head.target.tls ? 'secureConnect' : 'connect', () => {
      if (current()) this.reporter.handle(READY);
    });
  }

  private onResponse(request: http.ClientRequest, response: http.IncomingMessage): void {
    const reporter = this.reporter;
    if (this.request !== request || reporter.settled) {
      response.destroy();
      return;
    }
    this.response = response;
    response.on('data', (chunk: Buffer) => reporter.handle({ type: 'responseChunk', chunk }));
    response.on('end', () => {
      if (!response.complete) return;
      this.trailers = response.rawTrailers;
      reporter.handle({ type: 'responseEnd', rawTrailers: response.rawTrailers });
    });
    const broken = (): void => {
      if (reporter.settled || response.complete) return;
      setImmediate(() => {
        const conn = this.connection;
        const declared = response.headers['content-length'];
        reporter.handle({
          type: 'responseBroken',
          sawReset: conn?.sawReset ?? false,
          sawEnd: conn?.sawEnd ?? false,
          ...(declared !== undefined ? { declaredBytes: declared } : {}),
        });
      });
    };
    response.on('aborted', broken);
    response.on('error', broken);
    response.on('close', broken);
    reporter.handle({
      type: 'responseHead',
      status: response.statusCode ?? 502,
      statusText: response.statusMessage ?? '',
      httpVersion: response.httpVersion,
      rawHeaders: response.rawHeaders,
    });
  }
}

function pairsOf(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}
