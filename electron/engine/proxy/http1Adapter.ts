import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { isAlpnRefusal } from './alpnRefusal.js';
import type { ClientContext } from './clientContext.js';
import { ExchangeLifecycle } from './exchangeLifecycle.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { withoutPseudoHeaders } from './http2Headers.js';
import { Http2UpstreamLeg, http2OriginKey } from './http2UpstreamLeg.js';
import { newIdleWatchdog } from './idleWatchdog.js';
import type { CommandExecutor, LifecycleCommand, LifecycleEvent } from './lifecycleMessages.js';
import { closeAfterAnswer } from './socketClose.js';
import { flushedOnHandOver } from './socketFlush.js';
import { resetSocket } from './socketReset.js';
import { connectionOf, type UpstreamConnection } from './upstreamAgent.js';
import type { LegReporter, UpstreamLeg } from './upstreamLeg.js';
import { hasRequestBody, recorderInit, upstreamHeaders, upstreamRequestOptions } from './upstreamRequest.js';
import { upstreamTarget, type UpstreamTarget } from './upstreamTarget.js';
import type { ExchangeRulePlan, LocalAnswer } from '../rules/exchangeRulePlan.js';
import { applyHeaderEdit } from '../rules/headerEdits.js';
import { delayedLookup } from '../rules/delayedLookup.js';

// Events without a payload are shared: nothing to allocate for them per exchange.
const START: LifecycleEvent = { type: 'start' };
const READY: LifecycleEvent = { type: 'upstreamReady' };
const SETUP_CONNECT: LifecycleEvent = { type: 'setupProgress', phase: 'connect' };
const SETUP_TLS: LifecycleEvent = { type: 'setupProgress', phase: 'tls' };
const REQUEST_END: LifecycleEvent = { type: 'requestEnd' };
const REQUEST_SENT: LifecycleEvent = { type: 'requestSent' };
const UPSTREAM_BLOCKED: LifecycleEvent = { type: 'upstreamBlocked' };
const UPSTREAM_DRAINED: LifecycleEvent = { type: 'upstreamDrained' };
const UPSTREAM_CONTINUE: LifecycleEvent = { type: 'upstreamContinue' };
const CLIENT_BLOCKED: LifecycleEvent = { type: 'clientBlocked' };
const CLIENT_DRAINED: LifecycleEvent = { type: 'clientDrained' };
const CLIENT_CLOSED: LifecycleEvent = { type: 'clientClosed' };

/**
 * Forwards one HTTP/1.1 request upstream and its response back, both bodies streamed with
 * backpressure and tapped for capture: the socket side of the exchange lifecycle.
 */
export function forwardRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: UpstreamTarget,
  ctx: ClientContext,
  deps: ForwarderDeps,
): void {
  new Http1Exchange(req, res, target, ctx, deps).lifecycle.handle(START);
}

/**
 * The HTTP/1.1 socket adapter: turns the events of Node's client request, upstream request and
 * upstream response into lifecycle events, and carries out the lifecycle's commands on them.
 * It decides nothing itself.
 */
class Http1Exchange implements CommandExecutor {
  readonly lifecycle: ExchangeLifecycle;
  private upstream: http.ClientRequest | undefined;
  private upstreamResponse: http.IncomingMessage | undefined;
  private connection: UpstreamConnection | undefined;
  private readonly rawHeaders: string[];
  private readonly withBody: boolean;
  /** Where the request goes: the client's target, or a rule's map remote. */
  private readonly target: UpstreamTarget;
  private readonly plan: ExchangeRulePlan | undefined;
  /** A rule's file being served as the response. */
  private localFile: ReadStream | undefined;
  private readonly recorder: ExchangeRecorder;
  /** Set when the request goes to an HTTP/2-only origin as a stream of a pooled session. */
  private leg: UpstreamLeg | undefined;

  constructor(
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    clientTarget: UpstreamTarget,
    private readonly ctx: ClientContext,
    private readonly deps: ForwarderDeps,
  ) {
    const settings = deps.settings();
    const withBody = hasRequestBody(req);
    this.withBody = withBody;
    // Rules are matched once, on the request head as the client sent it (docs/rules.md).
    const rules = deps.rules?.();
    const plan =
      rules && !rules.empty
        ? rules.match({
            method: req.method ?? 'GET',
            host: clientTarget.host,
            port: clientTarget.port,
            path: clientTarget.path,
            rawHeaders: req.rawHeaders,
            source: ctx.source,
          })
        : undefined;
    this.plan = plan;
    const target = plan?.mapRemote ? mappedTarget(clientTarget, plan.mapRemote) : clientTarget;
    this.target = target;
    let rawHeaders = upstreamHeaders(req, target, ctx.tunnel !== undefined && target === clientTarget);
    if (plan?.requestHeaders) rawHeaders = applyHeaderEdit(rawHeaders, plan.requestHeaders);
    this.rawHeaders = rawHeaders;
    const recorder = new ExchangeRecorder(
      deps.sink,
      recorderInit('http', req, this.rawHeaders, clientTarget, ctx, withBody, deps),
      deps.strings,
    );
    this.recorder = recorder;
    const lifecycle = new ExchangeLifecycle(
      {
        recorder,
        target,
        withBody,
        expectsContinue: req.headers.expect !== undefined && /100-continue/i.test(req.headers.expect),
        timeouts: settings,
        watchdog: newIdleWatchdog,
        strings: deps.strings,
        ...(plan ? { rule: plan, clock: () => performance.now() } : {}),
      },
      this,
    );
    this.lifecycle = lifecycle;
    ctx.inFlight = lifecycle;

    // The client side: a vanished client aborts the upstream exchange.
    req.on('error', ignore);
    res.on('error', ignore);
    res.on('close', () => {
      if (!res.writableFinished) lifecycle.handle(CLIENT_CLOSED);
    });
    if (withBody) {
      req.on('data', (chunk: Buffer) => lifecycle.handle({ type: 'requestChunk', chunk }));
      req.on('end', () => lifecycle.handle(REQUEST_END));
      // Held until the upstream connection is ready: nothing the client sends may be lost.
      req.pause();
    }
  }

  execute(command: LifecycleCommand): void {
    switch (command.type) {
      case 'openUpstream':
        this.openUpstream();
        return;
      case 'readRequestBody':
        this.req.resume();
        return;
      case 'pauseRequestBody':
        this.req.pause();
        return;
      case 'forwardRequestChunk': {
        if (this.leg) {
          this.leg.write(command.chunk);
          return;
        }
        const upstream = this.upstream;
        if (upstream && !upstream.destroyed && !upstream.write(command.chunk)) {
          this.lifecycle.handle(UPSTREAM_BLOCKED);
        }
        return;
      }
      case 'endUpstreamRequest':
        if (this.leg) this.leg.end();
        else if (this.upstream && !this.upstream.destroyed) this.upstream.end();
        return;
      case 'sendContinue':
        if (!this.res.headersSent) this.res.writeContinue();
        return;
      case 'sendResponseHead':
        try {
          this.res.sendDate = false;
          // An HTTP/2 origin's head starts with `:status`: HTTP/1.1 has its status line instead.
          this.res.writeHead(command.status, command.statusText, withoutPseudoHeaders(command.rawHeaders));
        } catch (error) {
          this.lifecycle.handle({ type: 'clientWriteFailed', error: error as Error });
        }
        return;
      case 'forwardResponseChunk':
        if (!this.res.write(command.chunk)) this.lifecycle.handle(CLIENT_BLOCKED);
        return;
      case 'pauseResponseBody':
        if (this.leg) this.leg.pauseResponse();
        else this.upstreamResponse?.pause();
        this.localFile?.pause();
        return;
      case 'resumeResponseBody':
        if (this.leg) this.leg.resumeResponse();
        else this.upstreamResponse?.resume();
        this.localFile?.resume();
        return;
      case 'serveLocalFile':
        void this.serveLocalFile(command.answer);
        return;
      case 'endResponse':
        this.endResponse(command.rawTrailers, command.discardUpstream);
        return;
      case 'abortUpstream':
        this.leg?.abort();
        this.upstreamResponse?.destroy();
        this.upstream?.destroy();
        this.localFile?.destroy();
        this.release();
        return;
      case 'mirrorFailure':
        this.mirrorFailure(command);
        return;
      case 'closeClient':
        this.res.destroy();
        return;
      case 'acceptUpgrade':
        // Upgrades are the WebSocket adapter's; a plain request never gets here.
        return;
    }
  }

  private openUpstream(): void {
    const { req, target, deps, lifecycle } = this;
    this.leg?.abort();
    this.leg = undefined;
    if (target.tls && deps.http2Pool.knownProtocol(http2OriginKey(target, deps)) === 'h2') {
      this.openHttp2Leg();
      return;
    }
    const options = upstreamRequestOptions(
      req,
      target,
      this.rawHeaders,
      deps,
      target.tls ? deps.agents.https : deps.agents.http,
    );
    // A rule's slow DNS: only a new connection to a host name looks it up.
    if (this.plan && this.plan.dnsDelayMs > 0) options.lookup = delayedLookup(this.plan.dnsDelayMs);
    const request = target.tls ? https.request(options) : http.request(options);
    this.upstream = request;
    this.upstreamResponse = undefined;
    request.on('socket', (socket: net.Socket) => {
      if (this.upstream !== request) return;
      const conn = connectionOf(socket);
      this.connection = conn;
      const reused = request.reusedSocket;
      lifecycle.handle({ type: 'upstreamSocket', connection: conn, reused });
      if (conn && !reused && conn.phase !== 'ready') this.watchSetup(request, socket, conn);
    });
    // Sent when the last byte is handed to a socket that takes it at once; else when Node says
    // the socket wrote it.
    request.on('prefinish', () => {
      if (this.upstream === request && flushedOnHandOver(request.socket)) lifecycle.handle(REQUEST_SENT);
    });
    request.on('finish', () => {
      if (this.upstream === request) lifecycle.handle(REQUEST_SENT);
    });
    if (this.withBody) {
      request.on('drain', () => {
        if (this.upstream === request) lifecycle.handle(UPSTREAM_DRAINED);
      });
    }
    if (req.headers.expect !== undefined) {
      request.on('continue', () => {
        if (this.upstream === request) lifecycle.handle(UPSTREAM_CONTINUE);
      });
    }
    request.on('response', (response) => this.onResponse(request, response));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (this.upstream !== request) return;
      // An HTTP/2-only server refused HTTP/1.1 in its handshake: remember it, so that the
      // lifecycle's next attempt (and every later request) goes to it over HTTP/2.
      if (target.tls && isAlpnRefusal(error)) {
        deps.http2Pool.learn(http2OriginKey(target, deps), 'h2');
      }
      // Body bytes parsed before the error (a malformed chunk after good ones) are still in the
      // response's buffer: they go to the client first, as they arrived.
      const response = this.upstreamResponse;
      if (response && !response.destroyed) while (response.read() !== null);
      lifecycle.handle({ type: 'upstreamError', error });
    });
    if (!this.withBody) request.end();
  }

  /**
   * The request as a stream of a pooled HTTP/2 session: the origin answers only HTTP/2 (RFC 7301
   * told us so). The leg reports to the same lifecycle; the client still speaks HTTP/1.1.
   */
  private openHttp2Leg(): void {
    const { req, target, deps, lifecycle, recorder } = this;
    this.upstream = undefined;
    this.upstreamResponse = undefined;
    const reporter: LegReporter = {
      handle: (event) => lifecycle.handle(event),
      get settled() {
        return lifecycle.settled;
      },
      sentHead: (headers) => recorder.sentHead(headers),
      upstreamHttp2: (update) => recorder.upstreamHttp2(update),
    };
    const leg = new Http2UpstreamLeg(
      {
        method: req.method ?? 'GET',
        target,
        http1Head: this.rawHeaders,
        withBody: this.withBody,
        expectsContinue: req.headers.expect !== undefined && /100-continue/i.test(req.headers.expect),
      },
      reporter,
      deps,
      false,
    );
    this.leg = leg;
    this.res.on('drain', () => lifecycle.handle(CLIENT_DRAINED));
    leg.open();
  }

  /** A fresh connection's set-up steps, as its instrumentation (instrumentSocket) records them. */
  private watchSetup(request: http.ClientRequest, socket: net.Socket, conn: UpstreamConnection): void {
    const current = (): boolean => this.upstream === request;
    socket.once('lookup', (error: Error | null) => {
      if (!error && current() && conn.phase === 'connect') this.lifecycle.handle(SETUP_CONNECT);
    });
    if (this.target.tls) {
      socket.once('connect', () => {
        if (current()) this.lifecycle.handle(SETUP_TLS);
      });
    }
    socket.once(this.target.tls ? 'secureConnect' : 'connect', () => {
      if (current()) this.lifecycle.handle(READY);
    });
  }

  private onResponse(request: http.ClientRequest, response: http.IncomingMessage): void {
    const lifecycle = this.lifecycle;
    if (this.upstream !== request || lifecycle.settled) {
      response.destroy();
      return;
    }
    this.upstreamResponse = response;
    this.res.on('drain', () => lifecycle.handle(CLIENT_DRAINED));
    response.on('data', (chunk: Buffer) => lifecycle.handle({ type: 'responseChunk', chunk }));
    response.on('end', () => {
      if (response.complete) lifecycle.handle({ type: 'responseEnd', rawTrailers: response.rawTrailers });
    });
    const broken = (): void => {
      if (lifecycle.settled || response.complete) return;
      // Socket events of the same tick tell a reset from a clean close: let them all land first.
      setImmediate(() => {
        const conn = this.connection;
        const declared = response.headers['content-length'];
        lifecycle.handle({
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
    lifecycle.handle({
      type: 'responseHead',
      status: response.statusCode ?? 502,
      statusText: response.statusMessage ?? '',
      httpVersion: response.httpVersion,
      rawHeaders: response.rawHeaders,
    });
  }

  private endResponse(rawTrailers: string[], discardUpstream: boolean): void {
    const res = this.res;
    // Trailer fields of a chunked response travel on (RFC 9110 §6.5); Node sends them only
    // when the client side is chunked too.
    if (rawTrailers.length > 0 && res.chunkedEncoding) {
      try {
        res.addTrailers(pairsOf(rawTrailers));
      } catch {
        // An invalid trailer is dropped, not the response.
      }
    }
    res.end();
    if (this.leg) this.leg.finished(discardUpstream);
    else if (discardUpstream) this.upstream?.destroy();
    this.release();
  }

  /** A rule's file as the response: its events go to the lifecycle as an upstream's would. */
  private async serveLocalFile(answer: LocalAnswer & { file: string }): Promise<void> {
    const lifecycle = this.lifecycle;
    let size: number;
    try {
      const info = await stat(answer.file);
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      size = info.size;
    } catch (error) {
      lifecycle.handle({ type: 'upstreamError', error: error as Error });
      return;
    }
    if (lifecycle.settled) return;
    const stream = createReadStream(answer.file);
    this.localFile = stream;
    stream.on('error', (error) => lifecycle.handle({ type: 'upstreamError', error }));
    stream.on('data', (chunk) => lifecycle.handle({ type: 'responseChunk', chunk: chunk as Buffer }));
    stream.on('end', () => lifecycle.handle({ type: 'responseEnd', rawTrailers: [] }));
    this.res.on('drain', () => lifecycle.handle(CLIENT_DRAINED));
    lifecycle.handle({
      type: 'responseHead',
      status: answer.status,
      statusText: answer.statusText,
      httpVersion: '1.1',
      rawHeaders: [...answer.rawHeaders, 'Content-Length', String(size)],
    });
  }

  private mirrorFailure(command: Extract<LifecycleCommand, { type: 'mirrorFailure' }>): void {
    const res = this.res;
    const { answer } = command;
    // A rule's fault shows the client the failure it imitates, as a real one would read.
    const error = command.shown ?? command.error;
    if (answer.kind !== 'respond') {
      // A head given to Node waits in its buffer for the first body bytes: it goes out now, so
      // the client sees its response break off rather than get an empty reply while the record
      // says it had a status.
      if (res.headersSent && !res.writableEnded) {
        try {
          res.flushHeaders();
        } catch {
          // The client side is gone already.
        }
      }
      const socket = res.socket;
      if (answer.kind === 'reset') resetSocket(this.ctx.rawSocket);
      else if (socket) closeAfterAnswer(socket);
      else res.destroy();
      return;
    }
    const body = `${error.message}\n`;
    try {
      res.shouldKeepAlive = res.shouldKeepAlive && command.keepAlive;
      res.writeHead(answer.status, answer.statusText, [
        'Content-Type',
        'text/plain; charset=utf-8',
        'Content-Length',
        String(Buffer.byteLength(body)),
        'x-netlens-error',
        error.class,
        ...(command.keepAlive ? [] : ['Connection', 'close']),
      ]);
      res.end(body);
    } catch {
      // The client side is already gone or answered: nothing left to tell it.
      res.destroy();
    }
  }

  /** The exchange no longer reads this connection's request: its parser errors are not ours. */
  private release(): void {
    if (this.ctx.inFlight === this.lifecycle) this.ctx.inFlight = undefined;
  }
}

function ignore(): void {
  // Errors of the client's side are handled through 'close'.
}

function pairsOf(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** A rule's map remote: the request goes to `url` (a path of `/` keeps the request's own path and query). */
function mappedTarget(target: UpstreamTarget, url: URL): UpstreamTarget {
  const keepPath = url.pathname === '/' && url.search === '';
  const mapped = new URL(url.href);
  if (keepPath) {
    const q = target.path.indexOf('?');
    mapped.pathname = q === -1 ? target.path : target.path.slice(0, q);
    mapped.search = q === -1 ? '' : target.path.slice(q);
  }
  return upstreamTarget(mapped);
}
