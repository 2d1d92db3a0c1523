/**
 * The one load client of the proxy benchmark, used for every target (direct, ceiling, NetLens).
 * It speaks HTTP/1.1 on raw sockets — a pre-built request, a minimal response reader — so
 * that the client costs as little CPU as possible and the proxy under test is what limits the
 * figures (on a small machine the client shares the CPUs with the proxy and the origin).
 *
 * Targets: direct to the origin, or through a proxy — absolute-form requests for http://,
 * CONNECT then TLS inside the tunnel for https:// (the client verifies the certificate it gets).
 */
import net from 'node:net';
import tls from 'node:tls';
import { hostPort } from '../shared/address.js';
import { percentileOfSorted } from '../shared/percentile.js';

export interface Origin {
  secure: boolean;
  host: string;
  port: number;
}

export type Route = { kind: 'direct' } | { kind: 'proxy'; host: string; port: number };

export interface ClientTls {
  /** CAs the client trusts: the origin's (direct) and the proxies' (intercepted). */
  ca: string[];
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');

function authority(origin: Origin): string {
  return hostPort(origin.host, origin.port);
}

/** The request line target: absolute-form to a proxy for http://, origin-form otherwise. */
function requestTarget(origin: Origin, route: Route, path: string): string {
  if (route.kind === 'proxy' && !origin.secure) return `http://${authority(origin)}${path}`;
  return path;
}

export function buildRequest(
  origin: Origin,
  route: Route,
  method: string,
  path: string,
  contentLength?: number,
): Buffer {
  const lines = [
    `${method} ${requestTarget(origin, route, path)} HTTP/1.1`,
    `Host: ${authority(origin)}`,
    'Accept: */*',
    'User-Agent: netlens-bench',
  ];
  if (contentLength !== undefined) {
    lines.push('Content-Type: application/octet-stream', `Content-Length: ${contentLength}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

export function once<T>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (value: T): void => {
      emitter.removeListener('error', onError);
      resolve(value);
    };
    const onError = (error: Error): void => {
      emitter.removeListener(event, onEvent);
      reject(error);
    };
    emitter.once(event, onEvent);
    emitter.once('error', onError);
  });
}

/**
 * A TCP socket to the origin: direct, or through the proxy — a CONNECT tunnel when `tunnel`
 * (TLS goes inside it), else the proxy's socket for absolute-form requests.
 */
export async function connectThrough(origin: Origin, route: Route, tunnel: boolean): Promise<net.Socket> {
  const first = route.kind === 'direct' ? { host: origin.host, port: origin.port } : route;
  const socket = net.connect({ host: first.host, port: first.port, noDelay: true });
  await once(socket, 'connect');
  if (route.kind === 'proxy' && tunnel) {
    socket.write(`CONNECT ${authority(origin)} HTTP/1.1\r\nHost: ${authority(origin)}\r\n\r\n`);
    let head = Buffer.alloc(0);
    while (head.indexOf(CRLF_CRLF) < 0) {
      head = Buffer.concat([head, await once<Buffer>(socket, 'data')]);
      if (head.length > 16 * 1024) throw new Error('CONNECT answer too long');
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1];
    if (status !== '200') throw new Error(`CONNECT answered ${status ?? 'garbage'}`);
    const rest = head.subarray(head.indexOf(CRLF_CRLF) + 4);
    if (rest.length > 0) socket.unshift(rest);
  }
  return socket;
}

/** A socket to the origin, through the route, ready for HTTP/1.1 requests. */
export async function openConnection(
  origin: Origin,
  route: Route,
  clientTls: ClientTls,
): Promise<net.Socket> {
  const socket = await connectThrough(origin, route, origin.secure);
  if (!origin.secure) return socket;
  const secure = tls.connect({
    socket,
    // The name the certificate is checked against (tls defaults to `localhost`).
    host: origin.host,
    ca: clientTls.ca,
    ...(net.isIP(origin.host) === 0 ? { servername: origin.host } : {}),
    ALPNProtocols: ['http/1.1'],
  });
  await once(secure, 'secureConnect');
  secure.setNoDelay(true);
  return secure;
}

/**
 * Reads HTTP/1.1 responses off a keep-alive socket: Content-Length and chunked bodies.
 * `onResponse` runs once per complete response with its status and body size.
 */
export class ResponseReader {
  private pending: Buffer = Buffer.alloc(0);
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'chunk-trailer' = 'head';
  private left = 0;
  private status = 0;
  private bodyBytes = 0;

  constructor(private readonly onResponse: (status: number, bodyBytes: number) => void) {}

  push(data: Buffer): void {
    // Fast path: while streaming a large Content-Length body, count and drop.
    if (this.state === 'length' && this.pending.length === 0 && data.length <= this.left) {
      this.left -= data.length;
      this.bodyBytes += data.length;
      if (this.left === 0) this.complete();
      return;
    }
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    for (;;) {
      if (this.state === 'head') {
        const end = this.pending.indexOf(CRLF_CRLF);
        if (end < 0) return;
        const head = this.pending.subarray(0, end).toString('latin1');
        this.pending = this.pending.subarray(end + 4);
        this.status = Number(head.slice(9, 12));
        this.bodyBytes = 0;
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) this.state = 'chunk-size';
        else if (length) {
          this.left = Number(length[1]);
          this.state = 'length';
          if (this.left === 0) this.complete();
        } else if (this.status === 204 || this.status === 304 || (this.status >= 100 && this.status < 200)) {
          this.complete();
        } else throw new Error('response without a length: the bench origin always sends one');
      } else if (this.state === 'length') {
        const take = Math.min(this.left, this.pending.length);
        this.left -= take;
        this.bodyBytes += take;
        this.pending = this.pending.subarray(take);
        if (this.left > 0) return;
        this.complete();
      } else if (this.state === 'chunk-size') {
        const end = this.pending.indexOf('\r\n');
        if (end < 0) return;
        this.left = parseInt(this.pending.subarray(0, end).toString('latin1'), 16);
        this.pending = this.pending.subarray(end + 2);
        this.state = this.left === 0 ? 'chunk-trailer' : 'chunk-data';
      } else if (this.state === 'chunk-data') {
        const take = Math.min(this.left, this.pending.length);
        this.left -= take;
        this.bodyBytes += take;
        this.pending = this.pending.subarray(take);
        if (this.left > 0) return;
        this.state = 'chunk-crlf';
      } else if (this.state === 'chunk-crlf') {
        if (this.pending.length < 2) return;
        this.pending = this.pending.subarray(2);
        this.state = 'chunk-size';
      } else {
        const end = this.pending.indexOf('\r\n');
        if (end < 0) return;
        this.pending = this.pending.subarray(end + 2);
        if (end === 0) this.complete();
      }
      if (this.pending.length === 0) return;
    }
  }

  private complete(): void {
    this.state = 'head';
    this.onResponse(this.status, this.bodyBytes);
  }
}

export interface LoadOptions {
  origin: Origin;
  route: Route;
  clientTls: ClientTls;
  path: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Stop once this many requests completed (warm-up included), even before `durationMs`. */
  maxRequests?: number;
}

export interface LoadResult {
  requests: number;
  /** Every completed request, warm-up included (to divide a process's CPU time by). */
  allRequests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/**
 * `connections` keep-alive connections, each with one request in flight at a time, for
 * warm-up then `durationMs`; latencies of the measured window only.
 */
export async function runKeepAliveLoad(options: LoadOptions): Promise<LoadResult> {
  const request = buildRequest(options.origin, options.route, 'GET', options.path);
  const latencies: number[] = [];
  let errors = 0;
  let allRequests = 0;
  const sockets = await Promise.all(
    Array.from({ length: options.connections }, () =>
      openConnection(options.origin, options.route, options.clientTls),
    ),
  );
  const startNs = process.hrtime.bigint();
  const measureFromNs = startNs + BigInt(options.warmupMs) * 1_000_000n;
  const endNs = measureFromNs + BigInt(options.durationMs) * 1_000_000n;

  await Promise.all(
    sockets.map(
      (first) =>
        new Promise<void>((resolve) => {
          let socket = first;
          let sentAt = 0n;
          let reconnects = 0;
          const send = (): void => {
            sentAt = process.hrtime.bigint();
            socket.write(request);
          };
          const attach = (s: net.Socket): void => {
            const reader = new ResponseReader((status) => {
              const now = process.hrtime.bigint();
              allRequests += 1;
              if (status !== 200) errors += 1;
              else if (sentAt >= measureFromNs && now <= endNs) latencies.push(Number(now - sentAt) / 1e6);
              if (now < endNs && allRequests < (options.maxRequests ?? Infinity)) send();
              else {
                s.removeAllListeners('close');
                s.destroy();
                resolve();
              }
            });
            s.on('data', (data: Buffer) => {
              try {
                reader.push(data);
              } catch {
                errors += 1;
                s.destroy();
              }
            });
            s.on('error', () => undefined);
            s.on('close', () => {
              // The connection died mid-run: count it and carry on with a new one (bounded).
              errors += 1;
              if (process.hrtime.bigint() >= endNs || reconnects >= 100) {
                resolve();
                return;
              }
              reconnects += 1;
              openConnection(options.origin, options.route, options.clientTls).then(
                (next) => {
                  socket = next;
                  attach(next);
                  send();
                },
                () => resolve(),
              );
            });
          };
          attach(socket);
          send();
        }),
    ),
  );

  const sorted = Float64Array.from(latencies).sort();
  const total = latencies.reduce((sum, value) => sum + value, 0);
  return {
    requests: latencies.length,
    allRequests,
    errors,
    requestsPerSecond: latencies.length / (options.durationMs / 1000),
    p50Ms: percentileOfSorted(sorted, 50) ?? NaN,
    p99Ms: percentileOfSorted(sorted, 99) ?? NaN,
    meanMs: latencies.length > 0 ? total / latencies.length : NaN,
  };
}

export interface TransferResult {
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
}

/** One request moving `bytes` in one direction on a fresh connection; times request → last byte. */
export async function runTransfer(
  origin: Origin,
  route: Route,
  clientTls: ClientTls,
  direction: 'download' | 'upload',
  bytes: number,
): Promise<TransferResult> {
  const socket = await openConnection(origin, route, clientTls);
  const startNs = process.hrtime.bigint();
  let moved = 0;
  const done = new Promise<void>((resolve, reject) => {
    const reader = new ResponseReader((status, bodyBytes) => {
      if (status !== 200) reject(new Error(`${direction}: status ${status}`));
      else {
        if (direction === 'download') moved = bodyBytes;
        resolve();
      }
    });
    socket.on('data', (data: Buffer) => {
      try {
        reader.push(data);
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`${direction}: connection closed early`)));
  });
  if (direction === 'download') {
    socket.write(buildRequest(origin, route, 'GET', `/large?bytes=${bytes}`));
  } else {
    socket.write(buildRequest(origin, route, 'POST', '/upload', bytes));
    const block = Buffer.alloc(1024 * 1024, 0x5a);
    let left = bytes;
    while (left > 0) {
      const piece = left >= block.length ? block : block.subarray(0, left);
      left -= piece.length;
      if (!socket.write(piece)) await once(socket, 'drain');
    }
    moved = bytes;
  }
  await done;
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  socket.removeAllListeners('close');
  socket.destroy();
  return { bytes: moved, seconds, megabytesPerSecond: moved / 1e6 / seconds };
}
