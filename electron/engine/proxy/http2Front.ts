import http2 from 'node:http2';
import type net from 'node:net';
import { failure } from '../analysis/diagnose.js';
import { ExchangeRecorder } from './exchangeRecorder.js';
import type { ForwarderDeps } from './forwarderDeps.js';
import { toHeaderList } from './hopByHop.js';
import { forwardStream } from './http2Adapter.js';
import { Http2ClientConnection, type Http2ClientContext } from './http2ClientConnection.js';
import { headerListBytes, requestLineOf, type Http2RequestLine } from './http2Headers.js';
import {
  HTTP2_MAX_HEADER_PAIRS,
  HTTP2_SESSION_MEMORY_MB,
  HTTP2_STREAM_WINDOW_BYTES,
} from './http2SessionPool.js';
import type { UpstreamTarget } from './upstreamTarget.js';
import { resetStream } from './http2StreamReset.js';

/** Streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS; nginx and Go use 100–250). */
export const CLIENT_MAX_CONCURRENT_STREAMS = 128;

/** Where a client's request goes: a target, NetLens itself, a 407, or why it cannot go anywhere. */
export type StreamTarget = UpstreamTarget | { self: true } | { authRequired: true } | { problem: string };

export interface Http2FrontOptions {
  deps: ForwarderDeps;
  /** Resolves a stream's request line (the proxy's routing and admission rules). */
  resolve(line: Http2RequestLine, rawHeaders: readonly string[], context: Http2ClientContext): StreamTarget;
  /** The proxy's address, for records of requests that went nowhere. */
  authority(): string;
}

/**
 * NetLens as an HTTP/2 server to its clients (RFC 9113): intercepted HTTPS connections that chose
 * `h2` by ALPN, h2c with prior knowledge inside a CONNECT tunnel, and h2c with prior knowledge on
 * the proxy port itself (a client sending the connection preface in place of a request). Node's
 * HTTP/2 server parses the frames; each stream goes to the HTTP/2 adapter (http2Adapter.ts).
 */
export class Http2Front {
  private readonly server: http2.Http2Server;
  private readonly connections = new Set<Http2ClientConnection>();
  private nextContext: Http2ClientContext | undefined;

  constructor(private readonly options: Http2FrontOptions) {
    const settings = options.deps.settings();
    this.server = http2.createServer({
      settings: {
        enablePush: false,
        maxConcurrentStreams: CLIENT_MAX_CONCURRENT_STREAMS,
        initialWindowSize: HTTP2_STREAM_WINDOW_BYTES,
        maxHeaderListSize: settings.maxHeaderBytes,
      },
      maxSessionMemory: HTTP2_SESSION_MEMORY_MB,
      maxHeaderListPairs: HTTP2_MAX_HEADER_PAIRS,
    });
    this.server.on('session', (session: http2.ServerHttp2Session) => {
      const context = this.nextContext;
      this.nextContext = undefined;
      if (!context) {
        session.destroy();
        return;
      }
      const connection = new Http2ClientConnection(session, context, options.deps, (c, stream, raw, flags) =>
        this.onStream(c, stream, raw, flags),
      );
      this.connections.add(connection);
      session.once('close', () => this.connections.delete(connection));
    });
    // Sessions report their own errors (Http2ClientConnection); this only keeps the server alive.
    this.server.on('sessionError', () => undefined);
  }

  /** Serves an HTTP/2 connection on `socket` (its preface may already be unshifted into it). */
  serve(socket: net.Socket, context: Http2ClientContext): void {
    // Node's Http2Session waits for 'secureConnect' while `secureConnecting` is true; a server
    // TLSSocket made by hand (connectHandler's interception) emits only 'secure' and never
    // clears the flag (tls.Server does, in onServerSocketSecure): the session would never start.
    const secure = socket as net.Socket & { secureConnecting?: boolean };
    if (secure.secureConnecting === true) secure.secureConnecting = false;
    this.nextContext = context;
    try {
      this.server.emit('connection', socket);
    } finally {
      this.nextContext = undefined;
    }
  }

  /** Ends every client HTTP/2 connection. */
  close(): void {
    for (const connection of this.connections) connection.session.destroy();
    this.connections.clear();
  }

  private onStream(
    connection: Http2ClientConnection,
    stream: http2.ServerHttp2Stream,
    rawHeaders: string[],
    flags: number,
  ): void {
    const { deps } = this.options;
    const line = requestLineOf(rawHeaders);
    // The same limit as an HTTP/1.1 head, by HTTP/2's own measure (RFC 9113 §6.5.2).
    const headBytes = headerListBytes(rawHeaders);
    if (headBytes > deps.settings().maxHeaderBytes) {
      this.refuse(
        connection,
        stream,
        rawHeaders,
        line,
        431,
        'Request Header Fields Too Large',
        `the request's header list is ${headBytes} bytes, larger than the limit of ${deps.settings().maxHeaderBytes} (maxHeaderBytes)`,
      );
      return;
    }
    if (line.method === 'CONNECT') {
      this.refuse(
        connection,
        stream,
        rawHeaders,
        line,
        501,
        'Not Implemented',
        'CONNECT over HTTP/2 (a tunnel inside a stream) is not supported: open the tunnel over HTTP/1.1',
      );
      return;
    }
    const target = this.options.resolve(line, rawHeaders, connection.context);
    if ('problem' in target) {
      this.refuse(connection, stream, rawHeaders, line, 400, 'Bad Request', target.problem);
      return;
    }
    if ('authRequired' in target) {
      stream.respond({
        ':status': 407,
        'proxy-authenticate': 'Basic realm="NetLens", charset="UTF-8"',
        'content-type': 'text/plain; charset=utf-8',
      });
      stream.end('NetLens requires proxy authentication.\n');
      return;
    }
    if ('self' in target) {
      stream.respond({ ':status': 200, 'content-type': 'text/plain; charset=utf-8' });
      stream.end(
        `This is the NetLens proxy (${this.options.authority()}); its pages are served over HTTP/1.1.\n`,
      );
      return;
    }
    forwardStream({ stream, rawHeaders, method: line.method, target, connection, flags }, deps);
  }

  /** A request NetLens will not forward: answered on its stream, recorded as protocol_error. */
  private refuse(
    connection: Http2ClientConnection,
    stream: http2.ServerHttp2Stream,
    rawHeaders: string[],
    line: Http2RequestLine,
    status: number,
    statusText: string,
    reason: string,
  ): void {
    const { deps } = this.options;
    const ctx = connection.context;
    const authority =
      line.authority ?? (ctx.tunnel ? `${ctx.tunnel.host}:${ctx.tunnel.port}` : this.options.authority());
    const scheme = line.scheme ?? ctx.tunnel?.scheme ?? 'http';
    const recorder = new ExchangeRecorder(
      deps.sink,
      {
        kind: 'http',
        method: line.method,
        url: `${scheme}://${authority}${line.path ?? '/'}`,
        httpVersion: 'HTTP/2.0',
        headers: toHeaderList(rawHeaders, undefined, deps.strings),
        clientAddress: ctx.rawSocket.remoteAddress,
        clientPort: ctx.rawSocket.remotePort,
        clientTls: ctx.clientTls,
        source: ctx.source,
        captureRequestBody: false,
        http2: {
          clientStreamId: stream.id!,
          clientConnectionId: connection.id,
          ...(ctx.cleartext ? { clientCleartext: true } : {}),
        },
      },
      deps.strings,
    );
    const base = failure('protocol_error', {
      host: ctx.tunnel?.host ?? authority,
      port: ctx.tunnel?.port ?? 0,
      phase: 'request',
      elapsedMs: recorder.elapsedMs(),
      detail: reason,
    });
    recorder.fail({
      ...base,
      message: `NetLens cannot forward this request: ${reason}. It answered ${status} ${statusText}.`,
    });
    const body = `${status} ${statusText}: ${reason}\n`;
    try {
      stream.respond({
        ':status': status,
        'content-type': 'text/plain; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'x-netlens-error': 'protocol_error',
      });
      stream.end(body);
    } catch {
      resetStream(stream, http2.constants.NGHTTP2_PROTOCOL_ERROR);
    }
  }
}
