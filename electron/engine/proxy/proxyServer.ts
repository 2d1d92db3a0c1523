import http from 'node:http';
import fs from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import { hostMatches, type Settings } from '../../../shared/settings.js';
import { failure } from '../analysis/diagnose.js';
import { handleClientError } from './clientErrors.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import { serializeHead, toHeaderList } from './hopByHop.js';
import type { ClientContext } from './clientContext.js';
import { handleConnect, type LeafCertificates } from './connectHandler.js';
import { hostFieldProblem } from './hostField.js';
import type { ExchangeSink } from './exchangeSink.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { forwardRequest } from './http1Adapter.js';
import type { Http2ClientContext } from './http2ClientConnection.js';
import { Http2Front, type StreamTarget } from './http2Front.js';
import { rawValue, type Http2RequestLine } from './http2Headers.js';
import { Http2SessionPool } from './http2SessionPool.js';
import { takeOverForHttp2 } from './http2Preface.js';
import { isControlPath, serveControl, type ControlEndpoint } from './controlEndpoint.js';
import { serveInfoPage } from './infoPage.js';
import {
  PROXY_AUTH_REQUIRED_MESSAGE,
  parseProxyAuthorization,
  passwordMatches,
  proxyAuthRequiredHead,
  proxyAuthorizationOf,
} from './proxyCredentials.js';
import { InternedStrings } from './internedStrings.js';
import type { LifecycleEvent } from './lifecycleMessages.js';
import { IpLiterals } from './ipLiterals.js';
import { PinnedHosts } from './pinnedHosts.js';
import { createUpstreamAgents, type UpstreamAgents } from './upstreamAgent.js';
import { tunnelTarget, upstreamTarget, type UpstreamTarget } from './upstreamTarget.js';
import { isWebSocketUpgrade, withoutUpgrade } from './unsupportedUpgrade.js';
import { forwardUpgrade } from './webSocketAdapter.js';
import { closeAfterAnswer } from './socketClose.js';
import { hostPort } from '../../../shared/address.js';
import type { RuleSet } from '../rules/ruleSet.js';

export interface ProxyServerOptions {
  host: string;
  port: number;
  settings(): Settings;
  sink: ExchangeSink;
  leafCerts: LeafCertificates;
  caCertPem: string;
  /**
   * Extra CA certificates (PEM) trusted for upstream servers on top of Node's roots and
   * NODE_EXTRA_CA_CERTS: a corporate CA, or a test CA.
   */
  extraUpstreamCaCerts?: string[];
  /** Hosts whose clients rejected our certificate; shared so a restart keeps them. */
  pinnedHosts?: PinnedHosts;
  /**
   * Proxy authentication for the main listener (set when it listens beyond loopback): every
   * proxied request must carry this secret as its Basic proxy password, else 407.
   */
  auth?: { secret: string };
  /** The control endpoint other NetLens processes call (see controlEndpoint.ts). */
  control?: ControlEndpoint;
  /** The rules in force (asked once per request); undefined: no rule acts. */
  rules?: () => RuleSet | undefined;
}

/** An Error for a port that cannot be listened on; `code` is the OS code (EADDRINUSE...). */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Node's default roots, plus NODE_EXTRA_CA_CERTS (which Node only adds to its own default store,
 * so passing `ca` would otherwise drop it), plus the extra certificates.
 */
function upstreamTrustStore(extra: string[]): string[] {
  const store = [...tls.rootCertificates];
  const envFile = process.env.NODE_EXTRA_CA_CERTS;
  if (envFile) {
    try {
      store.push(fs.readFileSync(envFile, 'utf8'));
    } catch {
      // Node itself warns about an unreadable NODE_EXTRA_CA_CERTS at start-up.
    }
  }
  return [...store, ...extra];
}

const CLIENT_ENDED: LifecycleEvent = { type: 'clientEnded' };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

/** Whether an HTTP/2 `:authority` names the tunnel's origin (its port may be left out for the default). */
function sameAuthority(authority: string, tunnel: NonNullable<ClientContext['tunnel']>): boolean {
  const host = tunnel.host.toLowerCase();
  const value = authority.toLowerCase();
  const bracketed = host.includes(':') ? `[${host}]` : host;
  if (value === `${bracketed}:${tunnel.port}`) return true;
  return value === bracketed && tunnel.port === (tunnel.scheme === 'https' ? 443 : 80);
}

/**
 * The capture proxy: one Node HTTP server that takes absolute-form requests (forward proxy),
 * CONNECT (tunnels, TLS interception), upgrades (WebSocket) and origin-form requests (its own
 * info page). Intercepted TLS connections and plain HTTP inside tunnels are fed back into the
 * same server, each socket remembering which origin it is a tunnel to.
 */
export class ProxyServer {
  private readonly server: http.Server;
  private readonly agents: UpstreamAgents;
  private readonly contexts = new WeakMap<net.Socket, ClientContext>();
  private readonly sockets = new Set<net.Socket>();
  readonly pinnedHosts: PinnedHosts;
  private listening: { host: string; port: number } | undefined;
  private readonly deps: ForwarderDeps;
  private readonly http2: Http2Front;

  constructor(private readonly options: ProxyServerOptions) {
    const settings = options.settings();
    this.pinnedHosts = options.pinnedHosts ?? new PinnedHosts();
    this.agents = createUpstreamAgents({ connectTimeoutMs: () => options.settings().connectTimeoutMs });
    // The proxy's caches are its own: two engines in one process share nothing.
    this.deps = {
      settings: options.settings,
      sink: options.sink,
      agents: this.agents,
      http2Pool: new Http2SessionPool({ connectTimeoutMs: () => options.settings().connectTimeoutMs }),
      strings: new InternedStrings(),
      ipLiterals: new IpLiterals(),
      ...(options.rules ? { rules: options.rules } : {}),
    };
    if (options.extraUpstreamCaCerts && options.extraUpstreamCaCerts.length > 0) {
      this.deps.upstreamSecureContext = tls.createSecureContext({
        ca: upstreamTrustStore(options.extraUpstreamCaCerts),
      });
    }
    this.http2 = new Http2Front({
      deps: this.deps,
      resolve: (line, rawHeaders, context) => this.resolveStream(line, rawHeaders, context),
      authority: () => this.authority(),
    });
    this.server = http.createServer({
      maxHeaderSize: settings.maxHeaderBytes,
      // Whole-request deadlines would cut long uploads; silence is policed per phase instead.
      requestTimeout: 0,
      headersTimeout: settings.clientHeadersTimeoutMs,
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1000, Math.floor(settings.clientHeadersTimeoutMs / 4)),
      ),
      keepAliveTimeout: 30_000,
      insecureHTTPParser: false,
      // Absolute-form requests carry their authority; HTTP/1.0 clients may omit Host.
      requireHostHeader: false,
      joinDuplicateHeaders: false,
    });
    this.server.on('connection', (socket: net.Socket) => {
      this.track(socket);
      socket.on('end', () => this.contexts.get(socket)?.inFlight?.handle(CLIENT_ENDED));
    });
    this.server.on('request', (req, res) => this.contain(req.socket, () => this.onRequest(req, res)));
    // Handling checkContinue ourselves stops Node from answering 100 on the server's behalf:
    // the 100 is relayed only when the upstream server sends it (RFC 9110 §10.1.1).
    this.server.on('checkContinue', (req, res) => this.contain(req.socket, () => this.onRequest(req, res)));
    this.server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
      this.contain(socket, () => this.onConnect(req, socket, head)),
    );
    this.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
      this.contain(socket, () => this.onUpgrade(req, socket, head)),
    );
    this.server.on('clientError', (error: Error & { code?: string }, socket: net.Socket) =>
      this.contain(socket, () => this.onClientError(error, socket)),
    );
    // A client may half-close after a complete request and still read the response (RFC 9112
    // §9.6 leaves it open; curl --no-buffer, `nc -N`, some RPC clients do): Node would otherwise
    // end the connection as soon as the client's FIN arrives, response or not.
    (this.server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  }

  /**
   * The client's HTTP parser failed. In the middle of a request body it is that exchange's
   * failure (one record, not a second phantom one); otherwise a request of its own.
   */
  private onClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: net.Socket): void {
    // RFC 9113 §3.3: a client with prior knowledge starts with the HTTP/2 connection preface,
    // which the HTTP/1.1 parser stops at: the connection becomes an HTTP/2 one.
    if (error.code === 'HPE_PAUSED_H2_UPGRADE' && error.rawPacket) {
      const ctx = this.contexts.get(socket);
      if (takeOverForHttp2(socket, error.rawPacket)) {
        this.serveHttp2(socket, {
          rawSocket: ctx?.rawSocket ?? socket,
          cleartext: ctx?.clientTls === undefined,
          ...(ctx?.tunnel ? { tunnel: ctx.tunnel } : {}),
          ...(ctx?.clientTls ? { clientTls: ctx.clientTls } : {}),
          ...(ctx?.source !== undefined ? { source: ctx.source } : {}),
          ...(ctx?.viaSourceListener ? { viaSourceListener: true } : {}),
        });
        return;
      }
    }
    const inFlight = this.contexts.get(socket)?.inFlight;
    if (inFlight?.ownsClientError()) {
      inFlight.handle({ type: 'clientError', error });
      return;
    }
    handleClientError(error, socket, this.deps, this.authority(), this.contexts.get(socket)?.source);
  }

  /**
   * A bug in handling one connection must cost that connection only, never the process (and
   * with it every other connection).
   */
  private contain(socket: net.Socket, handle: () => void): void {
    try {
      handle();
    } catch (error) {
      socket.destroy();
      process.emitWarning(
        `NetLens dropped a connection after an internal error: ${(error as Error).stack ?? error}`,
      );
    }
  }

  private onConnect(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    if (this.contexts.get(socket)?.tunnel) {
      closeAfterAnswer(
        socket,
        'HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const ctx = this.contextOf(socket);
    if (!this.admit(req, ctx)) {
      socket.end(proxyAuthRequiredHead(req.httpVersion, PROXY_AUTH_REQUIRED_MESSAGE));
      return;
    }
    handleConnect(
      req,
      socket,
      head,
      {
        ...this.deps,
        leafCerts: this.options.leafCerts,
        pinnedHosts: this.pinnedHosts,
        serveInner: (inner, innerCtx) => this.serveInner(inner, innerCtx),
        serveHttp2: (inner, innerCtx) => this.serveHttp2(inner, innerCtx),
        track: (s) => this.track(s),
      },
      ctx.source,
    );
  }

  /**
   * Reads the request's proxy credentials: a source label as user name tags the connection's
   * traffic; with authentication on, the password must be the secret. False: answer 407.
   * Requests inside an admitted tunnel and on source listeners (loopback) are admitted as they are.
   */
  private admit(req: http.IncomingMessage, ctx: ClientContext): boolean {
    if (ctx.tunnel) return true;
    const value = proxyAuthorizationOf(req);
    const auth = ctx.viaSourceListener ? undefined : this.options.auth;
    if (value === undefined) return auth === undefined;
    const credentials = parseProxyAuthorization(value);
    if (auth && !passwordMatches(credentials?.password, auth.secret)) return false;
    if (credentials?.source && !ctx.viaSourceListener) ctx.source = credentials.source;
    return true;
  }

  /**
   * A connection accepted by a source listener (a port NetLens opened for one launched client):
   * served like any other, its exchanges tagged with the listener's source label.
   */
  acceptSocket(socket: net.Socket, source: string): void {
    this.contexts.set(socket, { rawSocket: socket, source, viaSourceListener: true });
    this.server.emit('connection', socket);
  }

  /**
   * How an upstream TLS connection to `host` is made, as the proxy makes its own (certificate
   * checking, SNI, trust store): for NetLens' own calls to an origin (gRPC reflection).
   */
  upstreamTls(host: string): {
    rejectUnauthorized: boolean;
    servername?: string;
    secureContext?: tls.SecureContext;
  } {
    return {
      rejectUnauthorized: !hostMatches(this.options.settings().insecureHosts, host),
      ...(this.deps.ipLiterals.has(host) ? {} : { servername: host }),
      ...(this.deps.upstreamSecureContext ? { secureContext: this.deps.upstreamSecureContext } : {}),
    };
  }

  /** Applies settings that the server reads per connection. */
  applySettings(settings: Settings): void {
    // Read by Node for each new connection's parser.
    (this.server as http.Server & { maxHeaderSize: number }).maxHeaderSize = settings.maxHeaderBytes;
    this.server.headersTimeout = settings.clientHeadersTimeoutMs;
  }

  listen(): Promise<{ host: string; port: number }> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        const code = error.code ?? 'ELISTEN';
        const where = hostPort(host, port);
        const message =
          code === 'EADDRINUSE'
            ? `Cannot listen on ${where}: the port is already in use. Stop the other process or choose another port.`
            : code === 'EACCES'
              ? `Cannot listen on ${where}: permission denied. Choose a port above 1023.`
              : code === 'EADDRNOTAVAIL'
                ? `Cannot listen on ${where}: this machine has no such address.`
                : `Cannot listen on ${where}: ${error.message}`;
        reject(new ListenError(message, code, host, port));
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        const address = this.server.address() as net.AddressInfo;
        this.listening = { host, port: address.port };
        resolve(this.listening);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host, port });
    });
  }

  address(): { host: string; port: number } | undefined {
    return this.listening;
  }

  /** Stops listening and ends every client and upstream connection. */
  async close(): Promise<void> {
    const wasListening = this.server.listening;
    const closed = new Promise<void>((resolve) => {
      if (!wasListening) resolve();
      else this.server.close(() => resolve());
    });
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.server.closeAllConnections();
    this.http2.close();
    this.agents.destroy();
    this.deps.http2Pool.destroy();
    await closed;
    this.listening = undefined;
  }

  private authority(): string {
    const address = this.listening ?? { host: this.options.host, port: this.options.port };
    return hostPort(address.host, address.port);
  }

  private track(socket: net.Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private serveInner(socket: net.Socket, ctx: ClientContext): void {
    // RFC 7301: an intercepted TLS connection that chose h2 speaks HTTP/2 from its first byte.
    if (ctx.clientTls?.alpn === 'h2') {
      const context: Http2ClientContext = {
        rawSocket: ctx.rawSocket,
        cleartext: false,
        clientTls: ctx.clientTls,
      };
      if (ctx.tunnel) context.tunnel = ctx.tunnel;
      if (ctx.source !== undefined) context.source = ctx.source;
      this.serveHttp2(socket, context);
      return;
    }
    this.contexts.set(socket, ctx);
    this.server.emit('connection', socket);
  }

  private serveHttp2(socket: net.Socket, context: Http2ClientContext): void {
    this.track(socket);
    this.http2.serve(socket, context);
  }

  /**
   * Where an HTTP/2 stream goes. Inside a tunnel, to the tunnel's origin (or to the origin its
   * `:authority` names, when a client reuses one connection for several, RFC 9113 §9.1.1); on
   * the proxy port (h2c with prior knowledge), to the URL its pseudo-headers spell, once the
   * client is admitted as an HTTP/1.1 client would be.
   */
  private resolveStream(
    line: Http2RequestLine,
    rawHeaders: readonly string[],
    ctx: Http2ClientContext,
  ): StreamTarget {
    const path = line.path ?? '';
    if (!path.startsWith('/') && path !== '*') return { problem: `unsupported request target "${path}"` };
    if (ctx.tunnel) {
      const authority = line.authority;
      if (authority === undefined || sameAuthority(authority, ctx.tunnel))
        return tunnelTarget(ctx.tunnel, path);
      try {
        return upstreamTarget(new URL(`${ctx.tunnel.scheme}://${authority}${path}`));
      } catch {
        return { problem: `invalid :authority "${authority}"` };
      }
    }
    const auth = ctx.viaSourceListener ? undefined : this.options.auth;
    const credentials = parseProxyAuthorization(rawValue(rawHeaders, 'proxy-authorization'));
    if (auth && !passwordMatches(credentials?.password, auth.secret)) return { authRequired: true };
    if (credentials?.source && !ctx.viaSourceListener) ctx.source = credentials.source;
    if (line.authority === undefined)
      return { problem: 'a request to a proxy needs :authority (the server to forward to)' };
    const scheme = line.scheme ?? 'http';
    if (scheme !== 'http' && scheme !== 'https') return { problem: `unsupported scheme ${scheme}` };
    let target: UpstreamTarget;
    try {
      target = upstreamTarget(new URL(`${scheme}://${line.authority}${path}`));
    } catch {
      return { problem: `invalid request target "${scheme}://${line.authority}${path}"` };
    }
    return this.isSelf(target) ? { self: true } : target;
  }

  /** The context of a client connection, made on its first request and kept for the next ones. */
  private contextOf(socket: net.Socket): ClientContext {
    let ctx = this.contexts.get(socket);
    if (!ctx) {
      ctx = { rawSocket: socket };
      this.contexts.set(socket, ctx);
    }
    return ctx;
  }

  /** Where a request goes, or why it cannot go anywhere. */
  private resolveTarget(req: http.IncomingMessage, ctx: ClientContext): UpstreamTarget | 'self' | string {
    const hostProblem = hostFieldProblem(req.httpVersion, req.rawHeaders);
    if (hostProblem !== undefined) return hostProblem;
    const raw = req.url ?? '';
    if (ctx.tunnel) {
      // Origin-form, the usual form inside a tunnel: its origin is the tunnel's.
      if (raw.startsWith('/')) return tunnelTarget(ctx.tunnel, raw);
      if (!/^[a-z]+:\/\//i.test(raw)) return `unsupported request target "${raw}"`;
      try {
        return upstreamTarget(new URL(raw));
      } catch {
        return `invalid request target "${raw}"`;
      }
    }
    if (raw.startsWith('/')) return 'self';
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return `invalid request target "${raw}" (a proxy expects an absolute URL such as http://host/path)`;
    }
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
      return `unsupported scheme ${url.protocol}`;
    const target = upstreamTarget(url);
    if (this.isSelf(target)) return 'self';
    return target;
  }

  /** A request naming the proxy itself would loop forever: serve the info page instead. */
  private isSelf(target: UpstreamTarget): boolean {
    if (!this.listening || target.tls || target.port !== this.listening.port) return false;
    const host = target.host.toLowerCase();
    return LOOPBACK_NAMES.has(host) || host === this.listening.host.toLowerCase() || host.startsWith('127.');
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const ctx = this.contextOf(req.socket);
    const target = this.resolveTarget(req, ctx);
    if (target === 'self') {
      const path = (req.url ?? '/').replace(/^[a-z]+:\/\/[^/]*/i, '');
      if (this.options.control && isControlPath(path)) {
        req.url = path;
        serveControl(req, res, this.options.control);
        return;
      }
      serveInfoPage(req, res, { caCertPem: this.options.caCertPem, proxyUrl: `http://${this.authority()}` });
      return;
    }
    if (!this.admit(req, ctx)) {
      req.resume();
      res.writeHead(407, 'Proxy Authentication Required', {
        'Proxy-Authenticate': 'Basic realm="NetLens", charset="UTF-8"',
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(PROXY_AUTH_REQUIRED_MESSAGE),
        Connection: 'close',
      });
      res.end(PROXY_AUTH_REQUIRED_MESSAGE);
      return;
    }
    if (typeof target === 'string') {
      this.recordRejected(req, ctx, target);
      const body = `400 Bad Request: ${target}\n`;
      req.resume();
      res.writeHead(400, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'x-netlens-error': 'protocol_error',
      });
      res.end(body);
      return;
    }
    forwardRequest(req, res, target, ctx, this.deps);
  }

  /** A request NetLens cannot forward is still recorded: protocol_error in phase request. */
  private recordRejected(req: http.IncomingMessage, ctx: ClientContext, reason: string): void {
    const recorder = new ExchangeRecorder(
      this.deps.sink,
      {
        kind: 'http',
        method: req.method ?? 'GET',
        url: /^[a-z][a-z0-9+.-]*:\/\//i.test(req.url ?? '')
          ? req.url!
          : `http://${this.authority()}${req.url ?? ''}`,
        httpVersion: `HTTP/${req.httpVersion}`,
        headers: toHeaderList(req.rawHeaders, undefined, this.deps.strings),
        clientAddress: ctx.rawSocket.remoteAddress,
        clientPort: ctx.rawSocket.remotePort,
        captureRequestBody: false,
        source: ctx.source,
      },
      this.deps.strings,
    );
    const error = failure('protocol_error', {
      host: this.options.host,
      port: this.listening?.port ?? this.options.port,
      phase: 'request',
      elapsedMs: recorder.elapsedMs(),
      detail: reason,
    });
    recorder.fail({
      ...error,
      message: `NetLens cannot forward this request: ${reason}. It answered 400 Bad Request.`,
    });
  }

  private onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const ctx = this.contextOf(socket);
    if (!isWebSocketUpgrade(req.headers.upgrade)) {
      this.replayWithoutUpgrade(req, socket, head, ctx);
      return;
    }
    const target = this.resolveTarget(req, ctx);
    if (target !== 'self' && !this.admit(req, ctx)) {
      socket.end(proxyAuthRequiredHead(req.httpVersion, PROXY_AUTH_REQUIRED_MESSAGE));
      return;
    }
    if (typeof target === 'string') {
      if (target !== 'self') this.recordRejected(req, ctx, target);
      const body = `${target === 'self' ? 'The NetLens proxy does not accept upgrades itself' : target}\n`;
      closeAfterAnswer(
        socket,
        `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    forwardUpgrade(req, socket, head, target, ctx, this.deps);
  }

  /**
   * An upgrade NetLens does not carry out (h2c and the like): the request is parsed again without
   * it, as the plain HTTP/1.1 request it then is — body and all, since Node stops parsing an
   * upgrade request at its head. The client's own head is kept for the record.
   */
  private replayWithoutUpgrade(
    req: http.IncomingMessage,
    socket: net.Socket,
    head: Buffer,
    ctx: ClientContext,
  ): void {
    const rawHeaders = withoutUpgrade(req.rawHeaders);
    ctx.rewrittenHead = { client: req.rawHeaders, parsed: rawHeaders };
    const line = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`;
    // Header values come from the parser as latin1 strings: latin1 gives back the same bytes.
    socket.unshift(Buffer.concat([Buffer.from(serializeHead(line, rawHeaders), 'latin1'), head]));
    this.server.emit('connection', socket);
  }
}
