import http from 'node:http';
import net from 'node:net';
import { execFile, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import {
  curl,
  httpOrigin,
  rawOrigin,
  startProxy,
  viaProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';

/** A raw request through the proxy that reports how the response ended: completely, cut, or reset. */
function outcome(
  proxy: TestProxy,
  url: string,
): Promise<{ status?: number; body: string; ending: 'end' | 'reset' | 'cut' | 'error'; code?: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: proxy.port, path: url, agent: false });
    let status: number | undefined;
    let body = '';
    const done = (ending: 'end' | 'reset' | 'cut' | 'error', code?: string): void =>
      resolve({ ...(status !== undefined ? { status } : {}), body, ending, ...(code ? { code } : {}) });
    req.on('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNRESET' ? 'reset' : 'error', error.code),
    );
    req.on('response', (res) => {
      status = res.statusCode;
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => done('end'));
      res.on('error', (error: NodeJS.ErrnoException) =>
        done(error.code === 'ECONNRESET' && !res.complete ? 'cut' : 'error', error.code),
      );
    });
    req.end();
  });
}

const BLACK_HOLE = `
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
port = s.getsockname()[1]
fillers = []
for i in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', port))
    except BlockingIOError: pass
    fillers.append(c)
time.sleep(0.2)
print(port, flush=True)
time.sleep(60)
`;

/** The same at the TCP level: did the client's connection end with a FIN or a RST? */
function socketEnding(
  proxy: TestProxy,
  url: string,
): Promise<{ text: string; closedBy: 'fin' | 'rst' | 'other' }> {
  return new Promise((resolve) => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedBy: 'fin' | 'rst' | 'other' = 'other';
    socket.on('connect', () => socket.write(`GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      closedBy = 'fin';
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') closedBy = 'rst';
    });
    socket.on('close', () => resolve({ text: Buffer.concat(chunks).toString(), closedBy }));
  });
}

describe('failures: each class the proxy can meet is diagnosed and mirrored', () => {
  let proxy: TestProxy;
  const origins: Origin[] = [];

  beforeAll(async () => {
    proxy = await startProxy({ connectTimeoutMs: 1000, responseTimeoutMs: 400, bodyIdleTimeoutMs: 400 });
  });

  afterAll(async () => {
    await Promise.all(origins.map((o) => o.close()));
    await proxy.close();
  });

  const raw = async (onConnection: (socket: net.Socket) => void): Promise<Origin> => {
    const origin = await rawOrigin((socket) => {
      socket.once('data', () => onConnection(socket));
    });
    origins.push(origin);
    return origin;
  };

  const failed = (url: string): Promise<Exchange> =>
    proxy.finished((e) => e.request.url === url && e.state === 'failed');

  it('connect_refused: the client connection is reset, as a refused connection would be', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const url = `http://127.0.0.1:${port}/refused`;
    const seen = await outcome(proxy, url);
    expect(seen.ending).toBe('reset');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('connect_refused');
    expect(exchange.error?.phase).toBe('connect');
    expect(exchange.error?.message).toContain(`127.0.0.1:${port}`);
    expect(exchange.timings.connect).toBeGreaterThanOrEqual(0);
  });

  it('dns_not_found for a .invalid name: 502 with the message and x-netlens-error', async () => {
    const url = 'http://no-such-host.invalid/x';
    const res = await viaProxy(proxy, url);
    expect(res.status).toBe(502);
    expect(res.headers['x-netlens-error']).toBe('dns_not_found');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body.toString()).toContain('no-such-host.invalid');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('dns_not_found');
    expect(exchange.error?.phase).toBe('dns');
    expect(exchange.timings.dns).toBeGreaterThanOrEqual(0);
    expect(exchange.timings.connect).toBeUndefined();
  });

  it('connection_reset mid-body: the client sees its response cut by a reset', async () => {
    const origin = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' + 'x'.repeat(100));
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    const url = `${origin.url}/reset`;
    const seen = await socketEnding(proxy, url);
    expect(seen.text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(seen.closedBy).toBe('rst');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('connection_reset');
    expect(exchange.error?.phase).toBe('receive');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.body.sizeBytes).toBe(100);
  });

  it('connection_reset before the response: the client connection is reset', async () => {
    const origin = await raw((socket) => socket.resetAndDestroy());
    const url = `${origin.url}/reset-early`;
    const seen = await outcome(proxy, url);
    expect(seen.ending).toBe('reset');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('connection_reset');
  });

  it('response_timeout when the server hangs before headers: 504', async () => {
    const origin = await raw(() => undefined);
    const url = `${origin.url}/hang`;
    const res = await viaProxy(proxy, url);
    expect(res.status).toBe(504);
    expect(res.headers['x-netlens-error']).toBe('response_timeout');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('response_timeout');
    expect(exchange.error?.phase).toBe('wait');
    expect(exchange.error?.message).toContain('400 ms');
    expect(exchange.timings.wait).toBeGreaterThanOrEqual(300);
  });

  it('body_timeout when the body stalls: the client response is cut', async () => {
    const origin = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf');
    });
    const url = `${origin.url}/stall`;
    const seen = await outcome(proxy, url);
    expect(seen.status).toBe(200);
    expect(seen.ending).not.toBe('end');
    expect(seen.body).toBe('half');
    // Cut with a FIN, as the server would have closed: not a reset.
    expect((await socketEnding(proxy, url)).closedBy).toBe('fin');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('body_timeout');
    expect(exchange.error?.phase).toBe('receive');
  });

  it('incomplete_response when the server closes before Content-Length: the client body is cut short', async () => {
    const origin = await raw((socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
    });
    const url = `${origin.url}/short`;
    const seen = await outcome(proxy, url);
    expect(seen.status).toBe(200);
    expect(seen.ending).not.toBe('end');
    expect(seen.body).toBe('short');
    expect((await socketEnding(proxy, url)).closedBy).toBe('fin');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('incomplete_response');
    expect(exchange.error?.detail).toContain('5 body bytes of 100');
  });

  it('protocol_error for a malformed upstream response: 502', async () => {
    const origin = await raw((socket) => socket.end('THIS IS NOT HTTP\r\n\r\n'));
    const url = `${origin.url}/garbage`;
    const res = await viaProxy(proxy, url);
    expect(res.status).toBe(502);
    expect(res.headers['x-netlens-error']).toBe('protocol_error');
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('protocol_error');
    expect(exchange.error?.phase).toBe('wait');
  });

  it('connect_timeout when the TCP handshake never completes: 504', async () => {
    // A listener with a full accept queue: Linux drops further SYNs, so connects hang (a
    // black hole on 127.0.0.1). Python holds it: Node always accepts.
    const holder = spawn('python3', ['-c', BLACK_HOLE], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        holder.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
        holder.once('error', reject);
      });
      const tight = await startProxy({ connectTimeoutMs: 300 });
      try {
        const url = `http://127.0.0.1:${port}/black-hole`;
        const res = await viaProxy(tight, url);
        expect(res.status).toBe(504);
        expect(res.headers['x-netlens-error']).toBe('connect_timeout');
        const exchange = await tight.finished((e) => e.request.url === url);
        expect(exchange.error?.class).toBe('connect_timeout');
        expect(exchange.error?.phase).toBe('connect');
        expect(exchange.error?.message).toContain('300 ms');
      } finally {
        await tight.close();
      }
    } finally {
      holder.kill();
    }
  });

  it('client_aborted when the client goes away before the response ends, and the upstream is aborted', async () => {
    let upstreamClosed!: () => void;
    const upstreamGone = new Promise<void>((r) => (upstreamClosed = r));
    const origin = await httpOrigin((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first part');
      res.on('close', () => upstreamClosed());
    });
    origins.push(origin);
    const url = `${origin.url}/abort`;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: proxy.port, path: url, agent: false });
      req.on('error', () => undefined);
      req.on('response', (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('client_aborted');
    expect(exchange.error?.phase).toBe('receive');
    await upstreamGone;
  });

  it('client_aborted when the client vanishes mid-request-body', async () => {
    let bodyArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (bodyArrived = resolve));
    const origin = await httpOrigin((req, res) => {
      req.once('data', () => bodyArrived());
      req.resume();
      req.on('end', () => res.end('done'));
    });
    origins.push(origin);
    const url = `${origin.url}/upload`;
    const socket = net.connect(proxy.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1:${origin.port}\r\nContent-Length: 1000\r\n\r\npartial`,
    );
    // The first body bytes went through NetLens to the server: then the client vanishes.
    await arrived;
    socket.destroy();
    const exchange = await failed(url);
    expect(exchange.error?.class).toBe('client_aborted');
    expect(exchange.error?.phase).toBe('request');
    expect(exchange.request.body.sizeBytes).toBe(7);
  });

  it('client_aborted when the client stops reading a large response, freeing the upstream', async () => {
    let upstreamClosed!: () => void;
    const upstreamGone = new Promise<void>((r) => (upstreamClosed = r));
    const origin = await httpOrigin((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
      res.on('close', () => upstreamClosed());
    });
    origins.push(origin);
    const url = `${origin.url}/never-read`;
    const socket = net.connect(proxy.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(`GET ${url} HTTP/1.1\r\nHost: x\r\n\r\n`);
      socket.pause();
    });
    try {
      const exchange = await failed(url);
      expect(exchange.error?.class).toBe('client_aborted');
      expect(exchange.error?.detail).toContain('stopped reading');
      await upstreamGone;
    } finally {
      socket.destroy();
    }
  });

  it('one bad connection does not affect a concurrent good one', async () => {
    const hang = await raw(() => undefined);
    const good = await httpOrigin((_req, res) => setTimeout(() => res.end('fine'), 20));
    origins.push(good);
    const garbage = net.connect(proxy.port, '127.0.0.1');
    garbage.on('error', () => undefined);
    garbage.write('\x00\x01\x02 garbage \r\n\r\n');
    const [bad, ok, ok2] = await Promise.all([
      viaProxy(proxy, `${hang.url}/hang-2`),
      viaProxy(proxy, `${good.url}/concurrent-1`),
      curl(['-s', '-x', proxy.url, `${good.url}/concurrent-2`]),
    ]);
    garbage.destroy();
    expect(bad.status).toBe(504);
    expect(ok.body.toString()).toBe('fine');
    expect(ok2.stdout).toBe('fine');
  });

  it('works for Python requests through the proxy (a real third-party client)', async () => {
    const origin = await httpOrigin((_req, res) => res.end('from python'));
    origins.push(origin);
    const script =
      'import requests,sys\n' +
      `r = requests.get(sys.argv[1], proxies={"http": sys.argv[2]}, timeout=10)\n` +
      'print(r.status_code, r.text)\n';
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        'python3',
        ['-c', script, `${origin.url}/py`, proxy.url],
        { timeout: 20_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      );
    });
    expect(output).toBe('200 from python');
    const exchange = await proxy.finished((e) => e.request.url === `${origin.url}/py`);
    expect(
      exchange.request.headers.some((h) => h.name === 'User-Agent' && h.value.startsWith('python-requests')),
    ).toBe(true);
  });
});
