import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { Header, Http2Info } from '../../../shared/model.js';
import { http2ErrorCode, http2FrameDetail } from '../../../shared/http2Codes.js';
import { ExchangeLifecycle } from './exchangeLifecycle.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { toHeaderList } from './hopByHop.js';
import { headersObject, http1HeadOf, rawValue, withoutPseudoHeaders } from './http2Headers.js';
import type { Http2ClientConnection } from './http2ClientConnection.js';
import { Http1UpstreamLeg } from './http1UpstreamLeg.js';
import { http2OriginKey } from './http2OriginKey.js';
import { Http2UpstreamLeg } from './http2UpstreamLeg.js';
import { newIdleWatchdog } from './idleWatchdog.js';
import { LocalFileLeg } from './localFileLeg.js';
import { mappedTarget } from './mappedTarget.js';
import type { CommandExecutor, LifecycleCommand, LifecycleEvent } from './lifecycleMessages.js';
import type { LegReporter, UpstreamHttp2Facts, UpstreamLeg, UpstreamRequestHead } from './upstreamLeg.js';
import type { UpstreamTarget } from './upstreamTarget.js';
import { resetStream } from './http2StreamReset.js';
import { delayedLookup } from '../rules/delayedLookup.js';
import type { ExchangeRulePlan } from '../rules/exchangeRulePlan.js';
import { applyHeaderEdit } from '../rules/headerEdits.js';

const START: LifecycleEvent = { type: 'start' };
const REQUEST_END: LifecycleEvent = { type: 'requestEnd' };
const CLIENT_BLOCKED: LifecycleEvent = { type: 'clientBlocked' };
const CLIENT_DRAINED: LifecycleEvent = { type: 'clientDrained' };

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = http2.constants;

/** What the HTTP/2 client adapter is given for one stream. */
export interface Http2StreamRequest {
  stream: http2.ServerHttp2Stream;
  /** The request head as received, pseudo-headers first. */
  rawHeaders: string[];
  method: string;
  target: UpstreamTarget;
  connection: Http2ClientConnection;
  /** The HEADERS frame's flags (END_STREAM, PRIORITY). */
  flags: number;
}

/** Forwards one client HTTP/2 stream: the socket side of the exchange lifecycle for HTTP/2 clients. */
export function forwardStream(request: Http2StreamRequest, deps: ForwarderDeps): void {
  new Http2StreamExchange(request, deps).lifecycle.handle(START);
}

/**
 * The HTTP/2 client adapter (RFC 9113): one client stream is one exchange with its own
 * lifecycle. It translates the stream's frames into lifecycle events — DATA into request chunks,
 * trailing HEADERS into the request's trailers, the client's RST_STREAM into `clientClosed` with
 * its code — and carries out the lifecycle's commands on the stream: HEADERS for the response
 * head (`respond`), DATA, trailers, and RST_STREAM where an HTTP/1.1 client would see its
 * connection reset or closed (only this stream is cut; the connection serves the others). The
 * upstream half is a leg: HTTP/2 to an origin that speaks it, HTTP/1.1 otherwise.
 */
class Http2StreamExchange implements CommandExecutor, LegReporter {
  readonly lifecycle: ExchangeLifecycle;
  private readonly recorder: ExchangeRecorder;
  private readonly stream: http2.ServerHttp2Stream;
  private readonly head: UpstreamRequestHead;
  /** The leg of the current attempt (a retry after a refused stream gets a fresh one). */
  private leg: UpstreamLeg;
  private requestTrailers: string[] | undefined;
  /** The client said it takes trailer fields (TE: trailers), or the response needs them (gRPC). */
  private readonly clientTakesTrailers: boolean;
  private waitingForTrailers = false;
  private closedByUs = false;
  private readonly plan: ExchangeRulePlan | undefined;

  constructor(
    private readonly request: Http2StreamRequest,
    private readonly deps: ForwarderDeps,
  ) {
    const { stream, rawHeaders, connection, method } = request;
    const clientTarget = request.target;
    this.stream = stream;
    const withBody = !stream.endAfterHeaders;
    const ctx = connection.context;
    // Rules are matched once, on the request head as the client sent it (docs/rules.md).
    const rules = deps.rules?.();
    const plan =
      rules && !rules.empty
        ? rules.match({
            method,
            host: clientTarget.host,
            port: clientTarget.port,
            path: clientTarget.path,
            rawHeaders,
            source: ctx.source,
          })
        : undefined;
    this.plan = plan;
    const target = plan?.mapRemote ? mappedTarget(clientTarget, plan.mapRemote) : clientTarget;
    const line = { authority: rawValue(rawHeaders, ':authority') };
    let http1Head = http1HeadOf(
      rawHeaders,
      target === clientTarget ? (line.authority ?? target.authority) : target.authority,
    );
    if (withBody && rawValue(rawHeaders, 'content-length') === undefined) {
      // Re-framed on an HTTP/1.1 hop: a body of unknown length goes chunked.
      http1Head.push('transfer-encoding', 'chunked');
    }
    http1Head.push('connection', 'keep-alive');
    if (plan?.requestHeaders) http1Head = applyHeaderEdit(http1Head, plan.requestHeaders);
    this.clientTakesTrailers = /\btrailers\b/i.test(rawValue(rawHeaders, 'te') ?? '');
    const http2Info: Http2Info = { clientStreamId: stream.id!, clientConnectionId: connection.id };
    if (connection.context.cleartext) http2Info.clientCleartext = true;
    const priority = priorityOf(stream, request.flags, rawValue(rawHeaders, 'priority'));
    if (priority) http2Info.priority = priority;
    this.recorder = new ExchangeRecorder(
      deps.sink,
      {
        kind: 'http',
        method,
        url: clientTarget.href,
        httpVersion: 'HTTP/2.0',
        headers: toHeaderList(rawHeaders, undefined, deps.strings),
        clientAddress: ctx.rawSocket.remoteAddress,
        clientPort: ctx.rawSocket.remotePort,
        clientTls: ctx.clientTls,
        source: ctx.source,
        captureRequestBody: withBody,
        http2: http2Info,
        path: clientTarget.path,
      },
      deps.strings,
    );
    const head: UpstreamRequestHead = (this.head = {
      method,
      target,
      http1Head,
      withBody,
      expectsContinue: /100-continue/i.test(rawValue(rawHeaders, 'expect') ?? ''),
    });
    this.leg = this.chooseLeg();
    this.lifecycle = new ExchangeLifecycle(
      {
        recorder: this.recorder,
        target,
        withBody,
        expectsContinue: head.expectsContinue,
        timeouts: deps.settings(),
        watchdog: newIdleWatchdog,
        strings: deps.strings,
        ...(plan ? { rule: plan, clock: () => performance.now() } : {}),
      },
      this,
    );
    const lifecycle = this.lifecycle;
    stream.on('error', () => {
      // Reported through 'close' with the stream's code.
    });
    stream.on('drain', () => lifecycle.handle(CLIENT_DRAINED));
    stream.once('close', () => this.onClientClose());
    if (withBody) {
      stream.on('data', (chunk: Buffer) => lifecycle.handle({ type: 'requestChunk', chunk }));
      stream.on('trailers', (_headers: unknown, _flags: number, raw?: string[]) => {
        if (!raw) return;
        this.requestTrailers = raw;
        this.recorder.requestTrailers(raw);
      });
      stream.on('end', () => lifecycle.handle(REQUEST_END));
      // Held until the upstream connection is ready: nothing the client sends may be lost.
      stream.pause();
    }
  }

  /**
   * The upstream leg for an attempt: HTTP/2 where the origin speaks it (or may: a TLS origin not
   * met before is asked by ALPN, offering HTTP/1.1 too), HTTP/1.1 where it is known not to. A
   * cleartext origin gets h2c only from a client that itself spoke h2c with prior knowledge. A
   * rule's slow DNS applies to a new HTTP/1.1 connection (an HTTP/2 session is shared by every
   * stream to its origin).
   */
  private chooseLeg(): UpstreamLeg {
    const { head, deps, plan } = this;
    const { target } = head;
    const known = deps.http2Pool.knownProtocol(http2OriginKey(target, deps));
    if (known === 'http/1.1' || (!target.tls && !this.request.connection.context.cleartext))
      return new Http1UpstreamLeg(head, this, deps, {
        ...(plan && plan.dnsDelayMs > 0 ? { lookup: delayedLookup(plan.dnsDelayMs) } : {}),
      });
    return new Http2UpstreamLeg(head, this, deps, known !== 'h2');
  }

  // ───────────── LegReporter ─────────────

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

  // ───────────── CommandExecutor ─────────────

  execute(command: LifecycleCommand): void {
    const stream = this.stream;
    switch (command.type) {
      case 'openUpstream':
        if (command.attempt > 1) {
          this.leg.abort();
          this.leg = this.chooseLeg();
        }
        this.leg.open();
        return;
      case 'serveLocalFile':
        this.leg.abort();
        this.leg = new LocalFileLeg(command.answer, this);
        this.leg.open();
        return;
      case 'readRequestBody':
        stream.resume();
        return;
      case 'pauseRequestBody':
        stream.pause();
        return;
      case 'forwardRequestChunk':
        this.leg.write(command.chunk);
        return;
      case 'endUpstreamRequest':
        this.leg.end(this.requestTrailers);
        return;
      case 'sendContinue':
        if (!stream.headersSent && !stream.destroyed) stream.additionalHeaders({ ':status': 100 });
        return;
      case 'sendResponseHead':
        this.sendResponseHead(command.status, command.rawHeaders);
        return;
      case 'forwardResponseChunk':
        if (!stream.destroyed && !stream.write(command.chunk)) this.lifecycle.handle(CLIENT_BLOCKED);
        return;
      case 'pauseResponseBody':
        this.leg.pauseResponse();
        return;
      case 'resumeResponseBody':
        this.leg.resumeResponse();
        return;
      case 'endResponse':
        this.endResponse(command.rawTrailers);
        this.leg.finished(command.discardUpstream);
        return;
      case 'abortUpstream':
        this.leg.abort();
        return;
      case 'mirrorFailure':
        this.mirrorFailure(command);
        return;
      case 'closeClient':
        this.reset(NGHTTP2_CANCEL);
        return;
      case 'acceptUpgrade':
        // HTTP/2 has no Upgrade (RFC 9113 §8.6): the adapter never forwards one.
        return;
    }
  }

  private sendResponseHead(status: number, rawHeaders: string[]): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    const fields = withoutPseudoHeaders(rawHeaders);
    const headers = headersObject(fields);
    headers[':status'] = status;
    // Trailers can only follow a response sent ready for them; gRPC always ends with them.
    this.waitingForTrailers =
      this.clientTakesTrailers || rawValueCaseless(fields, 'trailer') !== undefined || isGrpc(fields);
    try {
      stream.respond(headers, {
        waitForTrailers: this.waitingForTrailers,
        sendDate: false,
      } as http2.ServerStreamResponseOptions);
    } catch (error) {
      this.lifecycle.handle({ type: 'clientWriteFailed', error: error as Error });
    }
  }

  private endResponse(rawTrailers: string[]): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    if (this.waitingForTrailers) {
      const trailers = rawTrailers.length > 0 ? headersObject(withoutPseudoHeaders(rawTrailers)) : {};
      stream.once('wantTrailers', () => {
        try {
          stream.sendTrailers(trailers);
        } catch {
          // An invalid trailer field is dropped, not the response.
          if (!stream.destroyed) stream.sendTrailers({});
        }
      });
    }
    stream.end();
  }

  private mirrorFailure(command: Extract<LifecycleCommand, { type: 'mirrorFailure' }>): void {
    const stream = this.stream;
    const { answer } = command;
    // A rule's fault shows the client the failure it imitates, as a real one would read.
    const error = command.shown ?? command.error;
    if (stream.destroyed || stream.closed) return;
    if (answer.kind === 'respond' && !stream.headersSent) {
      const body = `${error.message}\n`;
      try {
        stream.respond(
          {
            ':status': answer.status,
            'content-type': 'text/plain; charset=utf-8',
            'content-length': String(Buffer.byteLength(body)),
            'x-netlens-error': error.class,
          },
          { sendDate: false } as http2.ServerStreamResponseOptions,
        );
        stream.end(body);
        return;
      } catch {
        // Fall through to a reset.
      }
    }
    // What an HTTP/1.1 client sees as its connection reset or closed is this stream reset: the
    // server's own code when it reset its stream (REFUSED_STREAM tells the client it may retry),
    // otherwise INTERNAL_ERROR.
    const serverCode = this.leg.serverResetCode;
    this.reset(
      serverCode !== undefined && serverCode !== NGHTTP2_NO_ERROR ? serverCode : NGHTTP2_INTERNAL_ERROR,
    );
  }

  private reset(code: number): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    this.closedByUs = true;
    if (code !== NGHTTP2_CANCEL) {
      this.recorder.http2((info) => {
        info.reset ??= { by: 'netlens', ...codeOf(code) };
      });
    }
    resetStream(stream, code);
  }

  private onClientClose(): void {
    if (this.lifecycle.settled || this.closedByUs) return;
    const code = this.stream.rstCode;
    const goAway = this.request.connection.goAwayFromClient;
    let detail: string | undefined;
    if (goAway) {
      detail = http2FrameDetail('GOAWAY', goAway.code, 'client');
      this.recorder.http2((info) => {
        info.goAway ??= { by: 'client', ...codeOf(goAway.code), lastStreamId: goAway.lastStreamId };
      });
    } else if (code !== undefined && code !== NGHTTP2_NO_ERROR) {
      detail = http2FrameDetail('RST_STREAM', code, 'client');
      this.recorder.http2((info) => {
        info.reset ??= { by: 'client', ...codeOf(code) };
      });
    }
    this.lifecycle.handle({ type: 'clientClosed', ...(detail !== undefined ? { detail } : {}) });
  }
}

const codeOf = http2ErrorCode;

function rawValueCaseless(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

function isGrpc(raw: readonly string[]): boolean {
  return (rawValueCaseless(raw, 'content-type') ?? '').toLowerCase().startsWith('application/grpc');
}

/**
 * The stream's priority: RFC 9113 §5.3.2's weight when the HEADERS frame carried the PRIORITY
 * flag (0x20), and RFC 9218's `priority` field (`u=0, i`) when the client sent one.
 */
function priorityOf(
  stream: http2.ServerHttp2Stream,
  flags: number,
  field: string | undefined,
): Http2Info['priority'] | undefined {
  const priority: NonNullable<Http2Info['priority']> = {};
  if ((flags & 0x20) !== 0) {
    const weight = stream.state?.weight;
    if (weight !== undefined) priority.weight = weight;
  }
  if (field !== undefined) {
    const urgency = /(?:^|,)\s*u=([0-7])\b/.exec(field);
    if (urgency) priority.urgency = Number(urgency[1]);
    if (/(?:^|,)\s*i(?:=\?1)?\s*(?:,|$)/.test(field)) priority.incremental = true;
  }
  return Object.keys(priority).length > 0 ? priority : undefined;
}
