import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ClientContext } from './clientContext.js';
import { ExchangeLifecycle } from './exchangeLifecycle.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import type { Header } from '../../../shared/model.js';
import { Http1UpstreamLeg } from './http1UpstreamLeg.js';
import { withoutPseudoHeaders } from './http2Headers.js';
import { http2OriginKey } from './http2OriginKey.js';
import { Http2UpstreamLeg } from './http2UpstreamLeg.js';
import { newIdleWatchdog } from './idleWatchdog.js';
import { LocalFileLeg } from './localFileLeg.js';
import { mappedTarget } from './mappedTarget.js';
import type { CommandExecutor, LifecycleCommand, LifecycleEvent } from './lifecycleMessages.js';
import { closeAfterAnswer } from './socketClose.js';
import { resetSocket } from './socketReset.js';
import type { LegReporter, UpstreamHttp2Facts, UpstreamLeg, UpstreamRequestHead } from './upstreamLeg.js';
import { hasRequestBody, recorderInit, upstreamHeaders } from './upstreamRequest.js';
import type { UpstreamTarget } from './upstreamTarget.js';
import type { ExchangeRulePlan } from '../rules/exchangeRulePlan.js';
import { applyHeaderEdit } from '../rules/headerEdits.js';
import { delayedLookup } from '../rules/delayedLookup.js';

// Events without a payload are shared: nothing to allocate for them per exchange.
const START: LifecycleEvent = { type: 'start' };
const REQUEST_END: LifecycleEvent = { type: 'requestEnd' };
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
 * The HTTP/1.1 socket adapter: turns the events of Node's client request into lifecycle events,
 * carries out the lifecycle's commands on it, and hands the upstream half to a leg (HTTP/1.1, or
 * a stream of a pooled HTTP/2 session), which reports to the lifecycle through this adapter.
 * It decides nothing itself.
 */
class Http1Exchange implements CommandExecutor, LegReporter {
  readonly lifecycle: ExchangeLifecycle;
  private readonly head: UpstreamRequestHead;
  /** Where the request goes: the client's target, or a rule's map remote. */
  private readonly target: UpstreamTarget;
  private readonly plan: ExchangeRulePlan | undefined;
  private readonly recorder: ExchangeRecorder;
  /** The upstream half of the current attempt (or a rule's file served in its place). */
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
    const expectsContinue = req.headers.expect !== undefined && /100-continue/i.test(req.headers.expect);
    this.head = { method: req.method ?? 'GET', target, http1Head: rawHeaders, withBody, expectsContinue };
    const recorder = new ExchangeRecorder(
      deps.sink,
      recorderInit('http', req, rawHeaders, clientTarget, ctx, withBody, deps),
      deps.strings,
    );
    this.recorder = recorder;
    const lifecycle = new ExchangeLifecycle(
      {
        recorder,
        target,
        withBody,
        expectsContinue,
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
    res.on('drain', () => lifecycle.handle(CLIENT_DRAINED));
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
      case 'forwardRequestChunk':
        this.leg?.write(command.chunk);
        return;
      case 'endUpstreamRequest':
        this.leg?.end();
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
        this.leg?.pauseResponse();
        return;
      case 'resumeResponseBody':
        this.leg?.resumeResponse();
        return;
      case 'serveLocalFile':
        this.leg = new LocalFileLeg(command.answer, this);
        this.leg.open();
        return;
      case 'endResponse':
        this.endResponse(command.rawTrailers, command.discardUpstream);
        return;
      case 'abortUpstream':
        this.leg?.abort();
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

  /**
   * A new attempt's upstream leg: a stream of a pooled HTTP/2 session when the origin is known to
   * answer only HTTP/2 (it refused HTTP/1.1 by ALPN, RFC 7301), HTTP/1.1 otherwise. The client
   * still speaks HTTP/1.1 either way.
   */
  private openUpstream(): void {
    const { head, deps, plan } = this;
    this.leg?.abort();
    const { target } = head;
    const leg =
      target.tls && deps.http2Pool.knownProtocol(http2OriginKey(target, deps)) === 'h2'
        ? new Http2UpstreamLeg(head, this, deps, false)
        : new Http1UpstreamLeg(head, this, deps, {
            headRecorded: true,
            // A rule's slow DNS: only a new connection to a host name looks it up.
            ...(plan && plan.dnsDelayMs > 0 ? { lookup: delayedLookup(plan.dnsDelayMs) } : {}),
          });
    this.leg = leg;
    leg.open();
  }

  // LegReporter: the leg's events go to the lifecycle; what it learns goes to the record.
  handle(event: LifecycleEvent): void {
    this.lifecycle.handle(event);
  }

  get settled(): boolean {
    return this.lifecycle.settled;
  }

  sentHead(headers: Header[]): void {
    this.recorder.sentHead(headers);
  }

  upstreamHttp2(update: UpstreamHttp2Facts): void {
    this.recorder.upstreamHttp2(update);
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
    this.leg?.finished(discardUpstream);
    this.release();
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
