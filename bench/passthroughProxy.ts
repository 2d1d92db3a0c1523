/**
 * The ceiling of this runtime: a minimal forward proxy on Node's own http/net/tls with no
 * capture at all, doing only what an intercepting proxy must do, so NetLens is compared with
 * like: absolute-form HTTP forwarding with a keep-alive upstream agent and hop-by-hop headers
 * removed (RFC 9110 7.6.1), and CONNECT with TLS termination by a fixed leaf certificate, then
 * the same forwarding over a verified keep-alive TLS upstream. A tunnelled client that picks
 * `h2` by ALPN gets HTTP/2: each stream forwarded on one pooled HTTP/2 session per origin (as
 * NetLens does with an origin that speaks h2). No timings, no store, no bodies kept, no
 * diagnosis. Bench-only; never shipped.
 */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { parseHostPort, urlHostPort } from '../shared/address.js';

export interface PassthroughProxyOptions {
  host: string;
  port: number;
  /** The leaf presented to clients inside CONNECT tunnels (for the bench origin's host). */
  leafCertPem: string;
  leafKeyPem: string;
}

export interface RunningPassthroughProxy {
  port: number;
  close(): Promise<void>;
}

// RFC 9110 7.6.1 (Connection and the fields it names) plus the proxy-specific ones.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

interface Target {
  secure: boolean;
  host: string;
  port: number;
}

export async function startPassthroughProxy(
  options: PassthroughProxyOptions,
): Promise<RunningPassthroughProxy> {
  const httpAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
  const httpsAgent = new https.Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
  const secureContext = tls.createSecureContext({ cert: options.leafCertPem, key: options.leafKeyPem });

  function forward(req: http.IncomingMessage, res: http.ServerResponse, target: Target, path: string): void {
    const upstream = (target.secure ? https : http).request({
      host: target.host,
      port: target.port,
      method: req.method,
      path,
      headers: endToEndHeaders(req.headers),
      agent: target.secure ? httpsAgent : httpAgent,
      ...(target.secure && net.isIP(target.host) === 0 ? { servername: target.host } : {}),
    });
    upstream.on('response', (upstreamRes) => {
      res.writeHead(
        upstreamRes.statusCode ?? 502,
        upstreamRes.statusMessage,
        endToEndHeaders(upstreamRes.headers),
      );
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    });
    upstream.on('error', (error) => {
      if (!res.headersSent)
        res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`upstream: ${error.message}`);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  // HTTP/2: one pooled session per origin, every client stream a stream of it.
  const upstreamSessions = new Map<string, http2.ClientHttp2Session>();
  function upstreamSession(target: { host: string; port: number }): http2.ClientHttp2Session {
    const key = `${target.host}:${target.port}`;
    const existing = upstreamSessions.get(key);
    if (existing && !existing.destroyed && !existing.closed) return existing;
    const session = http2.connect(`https://${key}`, {
      ...(net.isIP(target.host) === 0 ? { servername: target.host } : {}),
    });
    session.on('error', () => undefined);
    session.on('close', () => {
      if (upstreamSessions.get(key) === session) upstreamSessions.delete(key);
    });
    upstreamSessions.set(key, session);
    return session;
  }
  const h2Front = http2.createServer();
  const h2Targets = new WeakMap<http2.Http2Session, { host: string; port: number }>();
  h2Front.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const target = h2Targets.get(stream.session!);
    if (!target) {
      stream.respond({ ':status': 500 });
      stream.end();
      return;
    }
    const upstream = upstreamSession(target).request(endToEndHeaders(headers), {
      endStream: stream.readableEnded,
    });
    upstream.on('response', (responseHeaders) => {
      if (!stream.destroyed) stream.respond(endToEndHeaders(responseHeaders));
      upstream.pipe(stream);
    });
    upstream.on('error', () => {
      if (!stream.headersSent && !stream.destroyed) {
        stream.respond({ ':status': 502 });
        stream.end();
      } else stream.destroy();
    });
    stream.on('close', () => {
      if (!upstream.destroyed) upstream.close();
    });
    if (!stream.readableEnded) stream.pipe(upstream);
  });
  h2Front.on('sessionError', () => undefined);

  const tunnelTargets = new WeakMap<net.Socket, { host: string; port: number }>();
  const inner = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const target = tunnelTargets.get(req.socket);
    if (!target) {
      res.writeHead(500).end();
      return;
    }
    forward(req, res, { secure: true, ...target }, req.url ?? '/');
  });

  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('absolute-form request expected');
      return;
    }
    forward(
      req,
      res,
      {
        secure: url.protocol === 'https:',
        ...urlHostPort(url),
      },
      `${url.pathname}${url.search}`,
    );
  });

  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const target = parseHostPort(req.url ?? '');
    if (!target) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    const tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    tlsSocket.on('error', () => socket.destroy());
    tlsSocket.once('secure', () => {
      if (tlsSocket.alpnProtocol === 'h2') {
        // A server TLSSocket made by hand never clears `secureConnecting` (tls.Server does), and
        // an Http2Session waits for it: cleared here, as NetLens' own front does.
        (tlsSocket as tls.TLSSocket & { secureConnecting?: boolean }).secureConnecting = false;
        h2Front.once('session', (session) => h2Targets.set(session, target));
        h2Front.emit('connection', tlsSocket);
      } else {
        tunnelTargets.set(tlsSocket, target);
        inner.emit('connection', tlsSocket);
      }
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  inner.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      server.closeAllConnections();
      inner.closeAllConnections();
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const session of upstreamSessions.values()) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
