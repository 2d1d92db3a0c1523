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
export async function startBlackhole(host: LoopbackHost, port = 0): Promise<Running> {
  const script = [
    'import socket, sys, time',
    `s = socket.socket(socket.AF_INET6 if ${JSON.stringify(host)} == "::1" else socket.AF_INET, socket.SOCK_STREAM)`,
    `s.bind((${JSON.stringify(host)}, ${port}))`,
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()', // exits when the test closes stdin (or dies)
  ].join('\n');
  const child: ChildProcess = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const boundPort = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  // Fill the accept queue: keep connecting until one attempt stalls.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 8; i += 1) {
    const socket = net.connect({ host, port: boundPort });
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
    port: boundPort,
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

/** Records a tiny authoritative DNS server answers: name → CNAME target, or A / AAAA addresses. */
export interface DnsZone {
  cname?: Record<string, string>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((p) => p !== '');
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])),
    Buffer.from([0]),
  ]);
}

function record(name: string, type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // class IN
  fixed.writeUInt32BE(60, 4); // TTL
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name), fixed, rdata]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/**
 * A DNS server on 127.0.0.1 (UDP) answering from `zone` (RFC 1035 §4.1), following CNAMEs in
 * the answer section as a recursive resolver would; anything else is NXDOMAIN.
 */
export async function startDnsServer(zone: DnsZone): Promise<Running> {
  const dgram = await import('node:dgram');
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const qtype = query.readUInt16BE(offset + 1);
    const qname = labels.join('.').toLowerCase();
    const answers: Buffer[] = [];
    let name = qname;
    const known = (n: string) =>
      zone.cname?.[n] !== undefined || zone.a?.[n] !== undefined || zone.aaaa?.[n] !== undefined;
    const exists = known(qname);
    for (let hops = 0; hops < 8; hops += 1) {
      const target = zone.cname?.[name];
      if (!target) break;
      answers.push(record(name, 5, encodeName(target)));
      if (qtype === 5) break;
      name = target;
    }
    if (qtype === 1)
      for (const a of zone.a?.[name] ?? [])
        answers.push(record(name, 1, Buffer.from(a.split('.').map(Number))));
    if (qtype === 28) for (const a of zone.aaaa?.[name] ?? []) answers.push(record(name, 28, ipv6Bytes(a)));
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | (exists ? 0 : 3), 2); // response, RD+RA, NOERROR or NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...answers]),
      peer.port,
      peer.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
