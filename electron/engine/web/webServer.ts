/**
 * Web mode's server (DESIGN.md, "netlens web"): the built renderer over HTTP and NetlensApi
 * over a WebSocket at /api, on 127.0.0.1 only, behind a random token (webAuth.ts). Engine
 * events reach every connected page in batches (eventBatcher.ts), one message per batch.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineEvent } from '../../../shared/api.js';
import type { ApiDispatcher } from '../api/apiHandlers.js';
import { createEventBatcher, type EventBatcherOptions } from '../api/eventBatcher.js';
import { RENDERER_CSP_HEADER } from './contentSecurityPolicy.js';
import { mimeTypeFor, resolveStaticPath } from './staticFiles.js';
import { authorizeHttp, authorizeUpgrade, createToken, sessionCookie } from './webAuth.js';
import { serveApiSocket } from './wsTransport.js';
import { urlOf } from '../../../shared/address.js';

export const API_PATH = '/api';

export interface WebServerOptions {
  dispatch: ApiDispatcher;
  /** Subscribe to the engine's raw events (Engine.on); returns the unsubscribe function. */
  subscribe: (listener: (event: EngineEvent) => void) => () => void;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. Web mode is for this machine only. */
  host?: string;
  /** Defaults to 32 random bytes, base64url. */
  token?: string;
  batching?: EventBatcherOptions;
  /** Largest WebSocket message accepted (a HAR import is one message). */
  maxPayloadBytes?: number;
  /**
   * A page whose socket has more than this of event batches queued is disconnected (it reconnects
   * and reloads); replies to its own calls do not count.
   */
  maxBufferedBytes?: number;
  heartbeatIntervalMs?: number;
}

export interface WebServer {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** http://127.0.0.1:PORT/?token=TOKEN — the URL to open. */
  readonly uiUrl: string;
  readonly clientCount: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': RENDERER_CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  // The token is in the URL: never send it elsewhere in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `${text}\n`;
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  response.end(body);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? createToken();
  const maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  let port = 0;

  const clients = new Set<WebSocket>();
  const alive = new WeakMap<WebSocket, boolean>();

  /**
   * Bytes of event batches handed to each socket and not yet written out. Only events count: a
   * reply the page asked for (a 150 MB `exchanges:list` after a HAR import) is not the page
   * falling behind, and must not get it disconnected.
   */
  const queuedEventBytes = new WeakMap<WebSocket, number>();

  const batcher = createEventBatcher((events) => {
    if (clients.size === 0) return;
    const text = JSON.stringify({ type: 'events', events });
    const bytes = Buffer.byteLength(text);
    for (const client of clients) {
      if (client.readyState !== client.OPEN) continue;
      const queued = queuedEventBytes.get(client) ?? 0;
      if (queued > maxBufferedBytes) {
        // 1013 "try again later": the page reconnects and reloads the list instead of lagging forever.
        client.close(1013, 'Too far behind; reconnect and reload.');
        continue;
      }
      queuedEventBytes.set(client, queued + bytes);
      client.send(text, () => {
        queuedEventBytes.set(client, (queuedEventBytes.get(client) ?? bytes) - bytes);
      });
    }
  }, options.batching);
  const unsubscribe = options.subscribe((event) => batcher.push(event));

  async function serveFile(
    request: IncomingMessage,
    response: ServerResponse,
    setCookie: boolean,
  ): Promise<void> {
    // The raw path, not a WHATWG-normalised one: a `..` is refused outright rather than resolved.
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    if (pathname === API_PATH) {
      sendText(response, 426, 'This is the WebSocket endpoint.', { Upgrade: 'websocket' });
      return;
    }
    const file = resolveStaticPath(options.staticDir, pathname);
    if (!file) {
      sendText(response, 400, 'Bad path.');
      return;
    }
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      if (pathname === '/favicon.ico') {
        // Browsers ask for it unprompted; "no content" keeps their console free of a 404.
        response.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' });
        response.end();
      } else if (pathname === '/' || pathname === '/index.html') {
        sendText(response, 503, 'The NetLens UI is not built: run `npm run build` in the NetLens folder.');
      } else {
        sendText(response, 404, 'Not found.');
      }
      return;
    }
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Type': mimeTypeFor(file),
      'Content-Length': size,
      'Cache-Control': 'no-cache',
    };
    if (setCookie) headers['Set-Cookie'] = sessionCookie(port, token);
    response.writeHead(200, headers);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }

  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
      return;
    }
    const decision = authorizeHttp(request, token, port);
    if (!decision.ok) {
      sendText(response, decision.status, decision.reason);
      return;
    }
    serveFile(request, response, decision.via === 'query').catch(() =>
      sendText(response, 500, 'Internal error.'),
    );
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? 600 * 1024 * 1024,
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      pathname = '';
    }
    if (pathname !== API_PATH) {
      refuseUpgrade(socket, 404, 'No WebSocket here.');
      return;
    }
    const decision = authorizeUpgrade(request, token, port);
    if (!decision.ok) {
      refuseUpgrade(socket, decision.status, decision.reason);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      clients.add(ws);
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      ws.on('close', () => clients.delete(ws));
      serveApiSocket(ws, options.dispatch);
    });
  });

  // Drop pages that stopped answering pings (a laptop lid closed, a tab killed).
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (alive.get(client) === false) {
        client.terminate();
        continue;
      }
      alive.set(client, false);
      client.ping();
    }
  }, options.heartbeatIntervalMs ?? 30_000);
  heartbeat.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(heartbeat);
    unsubscribe();
    batcher.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`Port ${options.port} is already in use on ${host}; pick another with --port.`, {
        cause: error,
      });
    }
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  const origin = urlOf('http', host, port);

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    token,
    origin,
    uiUrl: `${origin}/?token=${token}`,
    get clientCount() {
      return clients.size;
    },
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        unsubscribe();
        batcher.close();
        // A polite close first (the page shows "disconnected"), then whatever did not answer is cut.
        const closed = [...clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              if (client.readyState === client.CLOSED) return resolve();
              client.once('close', () => resolve());
              client.close(1001, 'NetLens is shutting down.');
            }),
        );
        await Promise.race([
          Promise.all(closed),
          new Promise((resolve) => setTimeout(resolve, 1000).unref()),
        ]);
        for (const client of clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
