import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type tls from 'node:tls';
import type { ErrorClass, FailurePhase, NetlensError } from '../../../shared/errors.js';
import type { ExchangeKind, TlsInfo } from '../../../shared/model.js';
import { hostMatches, type Settings } from '../../../shared/settings.js';
import { diagnose, failure } from '../analysis/diagnose.js';
import { ExchangeRecorder, type RecorderInit } from './exchangeRecorder.js';
import type { ExchangeSink } from './exchangeSink.js';
import { failureStatusText, mirrorFor } from './failureMirror.js';
import { setRawHeader, stripHopByHop, toHeaderList, type LastHead } from './hopByHop.js';
import { IdleWatchdog } from './idleWatchdog.js';
import { httpVersionLabel } from './internedStrings.js';
import {
  ConnectTimeoutError,
  connectionOf,
  type UpstreamAgents,
  type UpstreamConnection,
} from './upstreamAgent.js';
import { originOf, urlHostPort } from '../../../shared/address.js';

/** Everything about the client connection a request arrived on. */
export interface ClientContext {
  /** The client's TCP socket (under TLS for intercepted HTTPS): resets are mirrored on it. */
  rawSocket: net.Socket;
  /** Set inside a CONNECT tunnel: origin-form requests go to this origin. */
  tunnel?: { scheme: 'http' | 'https'; host: string; port: number; origin?: string; authority?: string };
  clientTls?: TlsInfo;
  /** The last request head recorded on this connection (see toHeaderList). */
  lastHead?: LastHead;
  /** Where the traffic comes from (shared/source.ts): the source listener's label, or the credentials' user name. */
  source?: string;
  /** Arrived on a source listener (loopback only): admitted without proxy authentication. */
  viaSourceListener?: boolean;
}

/** What the recorder of a request arriving from a client starts with (HTTP and WebSocket alike). */
export function recorderInit(
  kind: ExchangeKind,
  req: http.IncomingMessage,
  target: UpstreamTarget,
  ctx: ClientContext,
  captureRequestBody: boolean,
): RecorderInit {
  return {
    kind,
    method: req.method ?? 'GET',
    url: target.href,
    httpVersion: httpVersionLabel(req.httpVersion),
    headers: toHeaderList(req.rawHeaders, ctx),
    clientAddress: ctx.rawSocket.remoteAddress,
    clientPort: ctx.rawSocket.remotePort,
    clientTls: ctx.clientTls,
    captureRequestBody,
    source: ctx.source,
  };
}

export interface ForwarderDeps {
  settings(): Settings;
  sink: ExchangeSink;
  agents: UpstreamAgents;
  /**
   * Trust store for upstream certificates when it differs from Node's default (see
   * ProxyServerOptions), built once: parsing ~150 roots per connection would cost milliseconds.
   */
  upstreamSecureContext?: tls.SecureContext;
}

/**
 * Whether a host is an IP literal (no SNI then, RFC 6066 §3), remembered: Node answers with a
 * large regular expression, and the same few hosts come back on every request.
 */
const ipLiterals = new Map<string, boolean>();
function isIpAddress(host: string): boolean {
  let known = ipLiterals.get(host);
  if (known === undefined) {
    known = net.isIP(host) !== 0;
    if (ipLiterals.size >= 1024) ipLiterals.clear();
    ipLiterals.set(host, known);
  }
  return known;
}

/** NetLens speaks HTTP/1.1 upstream; one list for every request (Node only reads it). */
const UPSTREAM_ALPN: readonly string[] = Object.freeze(['http/1.1']);

/** Stale pooled connections (closed by the server while idle) are retried this many times. */
const STALE_RETRIES = 2;

/** Target of a request, in the forms the proxy meets (RFC 9112 §3.2). */
export interface UpstreamTarget {
  /** The full URL, as recorded. */
  href: string;
  /** Path and query, as sent upstream. */
  path: string;
  /** host[:port] as written in the URL, for the Host field. */
  authority: string;
  tls: boolean;
  /** Host without IPv6 brackets, for connecting. */
  host: string;
  port: number;
}

/** The target of an absolute-form request (or one inside a tunnel that names its URL). */
export function upstreamTarget(url: URL): UpstreamTarget {
  const tls = url.protocol === 'https:' || url.protocol === 'wss:';
  return {
    href: url.href,
    path: `${url.pathname}${url.search}`,
    authority: url.host,
    tls,
    ...urlHostPort(url),
  };
}

/**
 * The target of an origin-form request inside a tunnel (RFC 9112 §3.2.1): the tunnel names the
 * origin, and the path goes upstream exactly as the client wrote it (no URL parsing per request).
 */
export function tunnelTarget(tunnel: NonNullable<ClientContext['tunnel']>, path: string): UpstreamTarget {
  const origin = tunnelOrigin(tunnel);
  return {
    href: `${origin}${path}`,
    path,
    authority: (tunnel.authority ??= origin.slice(tunnel.scheme.length + 3)),
    tls: tunnel.scheme === 'https',
    host: tunnel.host,
    port: tunnel.port,
  };
}

/** Request options for the upstream hop: pooled, timed, head order and case kept. */
export function upstreamRequestOptions(
  req: http.IncomingMessage,
  target: UpstreamTarget,
  rawHeaders: string[],
  deps: ForwarderDeps,
  agent: http.Agent | false,
): https.RequestOptions {
  const settings = deps.settings();
  const options: https.RequestOptions = {
    protocol: target.tls ? 'https:' : 'http:',
    host: target.host,
    port: target.port,
    method: req.method ?? 'GET',
    path: target.path,
    headers: rawHeaders as unknown as http.OutgoingHttpHeaders,
    setHost: false,
    agent: agent === false ? false : agent,
    insecureHTTPParser: false,
    maxHeaderSize: Math.max(settings.maxHeaderBytes, 16 * 1024),
  };
  if (target.tls) {
    options.rejectUnauthorized = !hostMatches(settings.insecureHosts, target.host);
    if (deps.upstreamSecureContext) {
      (options as https.RequestOptions & { secureContext?: tls.SecureContext }).secureContext =
        deps.upstreamSecureContext;
    }
    if (!isIpAddress(target.host)) options.servername = target.host;
    (options as https.RequestOptions & { ALPNProtocols?: readonly string[] }).ALPNProtocols = UPSTREAM_ALPN;
  }
  return options;
}

/** The head forwarded upstream: hop-by-hop fields out, Host from the absolute URL, framing kept. */
export function upstreamHeaders(
  req: http.IncomingMessage,
  target: UpstreamTarget,
  inTunnel: boolean,
): string[] {
  let headers = stripHopByHop(req.rawHeaders);
  // RFC 9112 §3.2.2: a proxy receiving absolute-form replaces Host with the target's authority.
  if (!inTunnel) headers = setRawHeader(headers, 'Host', target.authority);
  // The body is re-framed on this hop; keep it chunked so the server sees a body of unknown length.
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) {
    headers.push('Transfer-Encoding', 'chunked');
  }
  return headers;
}

export function hasRequestBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return length !== undefined && length !== '0';
}

/** scheme://host[:port] of a tunnel, built once per tunnel: every request on it shares it. */
function tunnelOrigin(tunnel: NonNullable<ClientContext['tunnel']>): string {
  if (tunnel.origin === undefined) {
    tunnel.origin = originOf(tunnel.scheme, tunnel.host, tunnel.port);
  }
  return tunnel.origin;
}

/**
 * Forwards one HTTP request upstream and its response back, both bodies streamed with
 * backpressure and tapped for capture, every failure diagnosed and mirrored to the client.
 */
export function forwardRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: UpstreamTarget,
  ctx: ClientContext,
  deps: ForwarderDeps,
): void {
  const settings = deps.settings();
  const withBody = hasRequestBody(req);
  const expectsContinue = /100-continue/i.test(req.headers.expect ?? '');
  const recorder = new ExchangeRecorder(deps.sink, recorderInit('http', req, target, ctx, withBody));
  const rawHeaders = upstreamHeaders(req, target, ctx.tunnel !== undefined);
  const agent = target.tls ? deps.agents.https : deps.agents.http;
  let upstream: http.ClientRequest | undefined;
  let upstreamResponse: http.IncomingMessage | undefined;
  let conn: UpstreamConnection | undefined;
  let attempts = 0;
  let requestBodyStarted = false;
  let sent = false;
  const context = (phase: FailurePhase, extra: { timeoutMs?: number; detail?: string } = {}) => ({
    host: target.host,
    port: target.port,
    phase,
    elapsedMs: recorder.elapsedMs(),
    ...extra,
  });

  const responseWatchdog = new IdleWatchdog(settings.responseTimeoutMs, () =>
    fail(
      failure('response_timeout', context(sent ? 'wait' : 'send', { timeoutMs: settings.responseTimeoutMs })),
    ),
  );
  const bodyWatchdog = new IdleWatchdog(settings.bodyIdleTimeoutMs, () =>
    fail(failure('body_timeout', context('receive', { timeoutMs: settings.bodyIdleTimeoutMs }))),
  );
  // Only a request with a body can stall mid-body: the watchdog is made for those alone.
  const requestBodyWatchdog = withBody
    ? new IdleWatchdog(settings.bodyIdleTimeoutMs, () =>
        fail(
          failure(
            'body_timeout',
            context('request', {
              timeoutMs: settings.bodyIdleTimeoutMs,
              detail: 'client stalled mid-request-body',
            }),
          ),
        ),
      )
    : undefined;

  // A client that stops reading holds the upstream connection: the same idle limit applies.
  // Made on the first backpressure from the client (most responses never meet any).
  let clientDrainWatchdog: IdleWatchdog | undefined;
  const clientStalled = (): IdleWatchdog =>
    (clientDrainWatchdog ??= new IdleWatchdog(settings.bodyIdleTimeoutMs, () =>
      fail(
        failure(
          'client_aborted',
          context('receive', {
            timeoutMs: settings.bodyIdleTimeoutMs,
            detail: 'the client stopped reading the response',
          }),
        ),
        true,
      ),
    ));

  const stopTimers = (): void => {
    clientDrainWatchdog?.stop();
    responseWatchdog.stop();
    bodyWatchdog.stop();
    requestBodyWatchdog?.stop();
  };

  function fail(error: NetlensError, fromClient = false): void {
    if (recorder.settled) return;
    stopTimers();
    if (conn) recorder.syncConnection(conn);
    recorder.fail(error);
    upstreamResponse?.destroy();
    upstream?.destroy();
    req.unpipe();
    if (fromClient) {
      res.destroy();
      return;
    }
    const action = mirrorFor(error.class, res.headersSent);
    if (action.kind === 'reset') {
      resetSocket(ctx.rawSocket);
    } else if (action.kind === 'close') {
      res.destroy();
      res.socket?.destroy();
    } else {
      const body = `${error.message}\n`;
      try {
        res.shouldKeepAlive = res.shouldKeepAlive && req.complete;
        res.writeHead(action.status, failureStatusText(action.status), [
          'Content-Type',
          'text/plain; charset=utf-8',
          'Content-Length',
          String(Buffer.byteLength(body)),
          'x-netlens-error',
          error.class,
          ...(req.complete ? [] : ['Connection', 'close']),
        ]);
        res.end(body);
      } catch {
        // The client side is already gone or answered: nothing left to tell it.
        res.destroy();
      }
    }
  }

  // The client side: a vanished client aborts the upstream exchange.
  req.on('error', ignore);
  res.on('error', ignore);
  res.on('close', () => {
    if (recorder.settled || res.writableFinished) return;
    const phase: FailurePhase = !req.complete ? 'request' : upstreamResponse ? 'receive' : 'wait';
    fail(failure('client_aborted', context(phase)), true);
  });

  // Request body: streamed upstream as it arrives, tapped for capture, with backpressure.
  if (withBody) {
    req.on('data', (chunk: Buffer) => {
      requestBodyStarted = true;
      requestBodyWatchdog?.touch();
      responseWatchdog.touch();
      recorder.tapRequest(chunk);
      if (upstream && !upstream.destroyed && !upstream.write(chunk)) {
        req.pause();
        requestBodyWatchdog?.pause();
      }
    });
    req.on('end', () => {
      requestBodyWatchdog?.stop();
      if (upstream && !upstream.destroyed) upstream.end();
    });
    req.pause();
  }

  const start = (): void => {
    attempts += 1;
    const options = upstreamRequestOptions(req, target, rawHeaders, deps, agent);
    const request = target.tls ? https.request(options) : http.request(options);
    upstream = request;
    request.on('socket', (socket: net.Socket) => {
      conn = connectionOf(socket);
      recorder.attachConnection(conn, request.reusedSocket);
      const ready = (): void => {
        if (conn) recorder.syncConnection(conn);
        if (upstream !== request || recorder.settled) return;
        responseWatchdog.start();
        if (withBody) {
          req.resume();
          requestBodyWatchdog?.start();
        }
      };
      if (!conn || conn.phase === 'ready' || request.reusedSocket) ready();
      else socket.once(target.tls ? 'secureConnect' : 'connect', ready);
    });
    if (withBody) {
      request.on('drain', () => {
        req.resume();
        requestBodyWatchdog?.resume();
      });
    }
    request.on('finish', () => {
      if (upstream !== request) return;
      sent = true;
      recorder.markSent();
      responseWatchdog.touch();
    });
    if (expectsContinue) {
      request.on('continue', () => {
        // RFC 9110 §10.1.1: the server agreed to receive the body; tell the waiting client (only
        // one that asked: an HTTP/1.0 client cannot take an interim response).
        if (!res.headersSent && !recorder.settled) res.writeContinue();
      });
    }
    request.on('response', (response) => onResponse(request, response));
    request.on('error', (error) => onUpstreamError(request, error));
    if (!withBody) request.end();
  };

  function onUpstreamError(request: http.ClientRequest, error: Error): void {
    if (recorder.settled || upstream !== request) return;
    const socketConn = conn;
    if (socketConn?.failure || error instanceof ConnectTimeoutError) {
      const f = socketConn?.failure;
      const phase = f?.phase ?? (error as ConnectTimeoutError).phase;
      const timeoutMs = f?.timeoutMs ?? (error as ConnectTimeoutError).timeoutMs;
      const errorClass: ErrorClass = f?.errorClass ?? 'connect_timeout';
      fail(failure(errorClass, context(phase, { timeoutMs, detail: 'timeout' })));
      return;
    }
    const phase: FailurePhase = upstreamResponse
      ? 'receive'
      : socketConn && socketConn.phase !== 'ready'
        ? socketConn.phase
        : !socketConn && !request.reusedSocket
          ? 'connect'
          : sent
            ? 'wait'
            : 'send';
    // A pooled connection the server closed while idle: the request never reached it, so a
    // bodiless request is safely sent again on a fresh connection (RFC 9110 §9.2.2 idempotence
    // is not needed here: nothing was received by the server).
    const code = (error as NodeJS.ErrnoException).code;
    const stale =
      request.reusedSocket &&
      !upstreamResponse &&
      !requestBodyStarted &&
      !withBody &&
      (code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up');
    if (stale && attempts <= STALE_RETRIES) {
      recorder.resetConnection();
      start();
      return;
    }
    fail(diagnose(error, context(phase)));
  }

  function onResponse(request: http.ClientRequest, response: http.IncomingMessage): void {
    if (recorder.settled || upstream !== request) {
      response.destroy();
      return;
    }
    upstreamResponse = response;
    responseWatchdog.stop();
    if (conn) recorder.syncConnection(conn);
    const status = response.statusCode ?? 502;
    const statusText = response.statusMessage ?? '';
    recorder.responseHead(
      status,
      statusText,
      httpVersionLabel(response.httpVersion),
      toHeaderList(response.rawHeaders, conn),
    );
    const headers = stripHopByHop(response.rawHeaders);
    try {
      res.sendDate = false;
      res.writeHead(status, statusText, headers);
    } catch (error) {
      fail(diagnose(error, context('receive')));
      return;
    }
    res.on('drain', () => {
      clientDrainWatchdog?.pause();
      response.resume();
      bodyWatchdog.resume();
    });
    bodyWatchdog.start();
    response.on('data', (chunk: Buffer) => {
      bodyWatchdog.touch();
      recorder.tapResponse(chunk);
      if (!res.write(chunk)) {
        response.pause();
        bodyWatchdog.pause();
        clientStalled().resume();
      }
    });
    response.on('end', () => {
      if (recorder.settled) return;
      if (!response.complete) return;
      stopTimers();
      if (conn) recorder.syncConnection(conn);
      recorder.complete();
      // Trailer fields of a chunked response travel on (RFC 9110 §6.5); Node sends them only
      // when the client side is chunked too.
      if (response.rawTrailers.length > 0 && res.chunkedEncoding) {
        try {
          res.addTrailers(pairsOf(response.rawTrailers));
        } catch {
          // An invalid trailer is dropped, not the response.
        }
      }
      res.end();
      // A final answer before the request body (e.g. 417 or 401 to Expect: 100-continue): the
      // request can never finish cleanly on that connection, so it is not pooled.
      if (!request.writableFinished) request.destroy();
    });
    const broken = (): void => {
      if (recorder.settled || response.complete) return;
      // Socket events of the same tick tell a reset from a clean close: let them all land first.
      setImmediate(() => {
        if (recorder.settled) return;
        const errorClass: ErrorClass =
          conn?.sawReset || !conn?.sawEnd ? 'connection_reset' : 'incomplete_response';
        const detail = `received ${recorder.responseBodyBytes} body bytes${
          response.headers['content-length'] ? ` of ${response.headers['content-length']}` : ''
        }`;
        fail(failure(errorClass, context('receive', { detail })));
      });
    };
    response.on('aborted', broken);
    response.on('error', broken);
    response.on('close', broken);
  }

  start();
}

function ignore(): void {
  // Errors of the client's side are handled through 'close'.
}

function pairsOf(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** Closes with a TCP RST so the client sees "connection reset", as it would from the server. */
export function resetSocket(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function') {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP handle (e.g. a test double): fall back to a plain close.
    }
  }
  socket.destroy();
}
