/**
 * Shared set-up for the proxy integration tests: a real engine on 127.0.0.1 with a throw-away
 * data dir, origin servers started by the tests, and clients that go through the proxy.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { execFile } from 'node:child_process';
import type { EngineEvent } from '@shared/api.js';
import type { Exchange } from '@shared/model.js';
import type { Settings } from '@shared/settings.js';
import { createEngine, type Engine, type EngineOptions } from '@engine/engine.js';

export interface TestProxy {
  engine: Engine;
  port: number;
  url: string;
  dataDir: string;
  events: EngineEvent[];
  caPem: string;
  /** The next finished exchange matching `predicate` (already finished ones included). */
  finished(predicate: (exchange: Exchange) => boolean, timeoutMs?: number): Promise<Exchange>;
  close(): Promise<void>;
}

export async function startProxy(
  settings: Partial<Settings> = {},
  options: Partial<EngineOptions> = {},
): Promise<TestProxy> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-proxy-test-'));
  const engine = await createEngine({ dataDir, host: '127.0.0.1', port: 0, settings, ...options });
  const events: EngineEvent[] = [];
  const waiters = new Set<{ predicate: (e: Exchange) => boolean; resolve: (e: Exchange) => void }>();
  engine.on((event) => {
    events.push(event);
    if (event.type !== 'exchange:finished') return;
    for (const waiter of waiters) {
      if (waiter.predicate(event.exchange)) {
        waiters.delete(waiter);
        waiter.resolve(event.exchange);
      }
    }
  });
  await engine.start();
  const port = engine.address()!.port;
  return {
    engine,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    events,
    caPem: fs.readFileSync(engine.caCertPath, 'utf8'),
    finished(predicate, timeoutMs = 10_000) {
      for (const event of events) {
        if (event.type === 'exchange:finished' && predicate(event.exchange))
          return Promise.resolve(event.exchange);
      }
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (!waiters.delete(waiter)) return;
          // Say what did finish: a rejected certificate or a refused upstream shows up here.
          const seen = events
            .filter((e) => e.type === 'exchange:finished')
            .map((e) => {
              const x = (e as { exchange: Exchange }).exchange;
              return `${x.request.method} ${x.request.url} ${x.response?.status ?? x.error?.class ?? x.state}`;
            });
          reject(
            new Error(
              `no matching exchange finished in ${timeoutMs} ms; finished: ${seen.length > 0 ? seen.slice(-10).join('; ') : 'none'}`,
            ),
          );
        }, timeoutMs).unref();
      });
    },
    async close() {
      await engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Origin {
  port: number;
  url: string;
  close(): Promise<void>;
}

function track(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

export async function httpOrigin(handler: http.RequestListener): Promise<Origin & { server: http.Server }> {
  const server = http.createServer(handler);
  const close = track(server);
  const port = await listen(server);
  return { server, port, url: `http://127.0.0.1:${port}`, close };
}

export async function httpsOrigin(
  cert: { certPem: string; keyPem: string },
  handler: http.RequestListener,
): Promise<Origin & { server: https.Server }> {
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, handler);
  const close = track(server);
  const port = await listen(server);
  return { server, port, url: `https://localhost:${port}`, close };
}

/** A TCP origin that answers whatever the test writes (malformed responses, resets, stalls). */
export async function rawOrigin(onConnection: (socket: net.Socket) => void): Promise<Origin> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  const close = track(server);
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}`, close };
}

export interface ProxiedResponse {
  status: number;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request through the proxy with Node's http client (absolute-form). */
export function viaProxy(
  proxy: TestProxy,
  url: string,
  options: {
    method?: string;
    headers?: string[] | http.OutgoingHttpHeaders;
    body?: Buffer | string;
    agent?: http.Agent;
  } = {},
): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: proxy.port,
      method: options.method ?? 'GET',
      path: url,
      headers: options.headers as http.OutgoingHttpHeaders,
      agent: options.agent ?? false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          rawHeaders: res.rawHeaders,
          headers: res.headers,
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.end(options.body);
  });
}

/** Opens a CONNECT tunnel through the proxy; resolves with the socket once the proxy said 200. */
export function connectTunnel(
  proxy: TestProxy,
  authority: string,
): Promise<{ socket: net.Socket; status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      agent: false,
    });
    req.on('error', reject);
    req.on('connect', (res, socket: net.Socket, head: Buffer) => {
      if (res.statusCode === 200) {
        resolve({ socket, status: 200, head: '' });
        return;
      }
      // Node hands over the socket for any CONNECT answer: the error body follows on it.
      const chunks: Buffer[] = [head];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => undefined);
      socket.on('close', () =>
        resolve({ socket, status: res.statusCode!, head: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ socket: res.socket, status: res.statusCode!, head: Buffer.concat(chunks).toString() }),
      );
    });
    req.end();
  });
}

/** HTTPS through the proxy with Node: CONNECT, then TLS trusting `ca`, then one request. */
export async function httpsViaProxy(
  proxy: TestProxy,
  host: string,
  port: number,
  requestPath: string,
  ca: string,
): Promise<ProxiedResponse & { socket: tls.TLSSocket }> {
  const { socket } = await connectTunnel(proxy, `${host}:${port}`);
  const secure = tls.connect({
    socket,
    servername: net.isIP(host) ? undefined : host,
    ca,
    ALPNProtocols: ['http/1.1'],
  });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  return new Promise((resolve, reject) => {
    const req = https.request({
      host,
      port,
      path: requestPath,
      // No `agent`: with one, Node would ignore createConnection and dial the host directly.
      createConnection: () => secure,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          rawHeaders: res.rawHeaders,
          headers: res.headers,
          body: Buffer.concat(chunks),
          socket: secure,
        }),
      );
    });
    req.end();
  });
}

export interface CurlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function curl(args: string[], timeoutMs = 20_000): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/curl', args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as { code?: unknown }).code === 'number'
          ? (error as { code: number }).code
          : -1
        : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes raw bytes to the proxy and collects everything until it closes (or `untilMs`). */
export function rawExchange(
  proxy: TestProxy,
  data: string | Buffer,
  untilMs = 5000,
): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => socket.destroy(), untilMs);
    socket.on('connect', () => socket.write(data));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), ...(error ? { error } : {}) });
    });
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
