/**
 * Servers for the probe and monitor integration tests, on 127.0.0.1 or ::1 only, port 0.
 * Every helper returns a close() that the test calls in afterEach/afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type LoopbackHost = '127.0.0.1' | '::1';
export const LOOPBACKS: LoopbackHost[] = ['127.0.0.1', '::1'];

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export interface Running {
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A TLS server's secure sockets ride on the tracked TCP sockets.
  return sockets;
}

export async function startHttp(host: LoopbackHost, handler: http.RequestListener): Promise<Running> {
  const server = http.createServer(handler);
  const sockets = track(server);
  const port = await listen(server, host);
  return { port, close: closer(server, sockets) };
}

export async function startHttps(
  host: LoopbackHost,
  cert: { certPem: string; keyPem: string },
  handler: http.RequestListener,
): Promise<Running> {
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, handler);
  const sockets = track(server);
  const port = await listen(server, host);
  return { port, close: closer(server, sockets) };
}

/** A port on which nothing listens: bind one, note it, close it. */
export async function refusedPort(host: LoopbackHost): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A listener that never accepts, for connect timeouts. Node accepts every connection itself, so
 * a Python socket listens with backlog 0 and never calls accept(); once one connection fills the
 * accept queue, Linux drops further SYNs and a connect can only time out.
 */
export async function startBlackhole(host: LoopbackHost): Promise<Running> {
  const script = [
    'import socket, sys, time',
    `s = socket.socket(socket.AF_INET6 if ${JSON.stringify(host)} == "::1" else socket.AF_INET, socket.SOCK_STREAM)`,
    `s.bind((${JSON.stringify(host)}, 0))`,
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()', // exits when the test closes stdin (or dies)
  ].join('\n');
  const child: ChildProcess = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  // Fill the accept queue: keep connecting until one attempt stalls.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 8; i += 1) {
    const socket = net.connect({ host, port });
    socket.on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  return {
    port,
    close: async () => {
      for (const s of fillers) s.destroy();
      child.stdin!.end();
      child.kill();
      await new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
      );
    },
  };
}
