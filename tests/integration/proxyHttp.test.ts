import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { headerValue } from '@shared/model.js';
import { ExchangeStore } from '@engine/capture/exchangeStore.js';
import {
  curl,
  httpOrigin,
  rawExchange,
  startProxy,
  viaProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';

describe('forward proxy, HTTP/1.1', () => {
  let proxy: TestProxy;
  let origin: Origin;
  const seen: { method: string; url: string; rawHeaders: string[]; body: Buffer }[] = [];

  beforeAll(async () => {
    proxy = await startProxy({ bodyMemoryLimitBytes: 64 * 1024, bodyCaptureCapBytes: 256 * 1024 });
    origin = await httpOrigin((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method!,
          url: req.url!,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks),
        });
        const url = new URL(req.url!, 'http://x');
        switch (url.pathname) {
          case '/headers':
            res.writeHead(200, [
              'X-First',
              '1',
              'content-TYPE',
              'text/plain',
              'x-Second',
              '2',
              'Set-Cookie',
              'a=1',
              'Set-Cookie',
              'b=2',
            ]);
            res.end('ok');
            return;
          case '/chunked':
            res.writeHead(200, { 'Content-Type': 'text/plain' });
            res.write('part1-');
            setTimeout(() => res.end('part2'), 10);
            return;
          case '/echo':
            res.writeHead(200, {
              'Content-Type': 'application/octet-stream',
              'Content-Length': chunks.reduce((n, c) => n + c.length, 0),
            });
            res.end(Buffer.concat(chunks));
            return;
          case '/trailers':
            res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'X-Checksum' });
            res.write('body');
            res.addTrailers({ 'X-Checksum': 'abc123' });
            res.end();
            return;
          case '/no-content':
            res.writeHead(204);
            res.end();
            return;
          case '/not-modified':
            res.writeHead(304, { ETag: '"v1"' });
            res.end();
            return;
          case '/gzip':
            res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
            res.end(zlib.gzipSync('hello gzip '.repeat(100)));
            return;
          case '/br':
            res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'br' });
            res.end(zlib.brotliCompressSync('hello brotli '.repeat(100)));
            return;
          case '/broken-gzip':
            res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
            res.end('this is not gzip');
            return;
          case '/big': {
            const size = Number(url.searchParams.get('size'));
            res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
            res.end(Buffer.alloc(size, 0x61));
            return;
          }
          default:
            res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 5 });
            res.end(req.method === 'HEAD' ? undefined : 'hello');
        }
      });
    });
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
  });

  afterEach(() => {
    seen.length = 0;
  });

  it('forwards a GET, records it, and keeps header order and case both ways', async () => {
    const res = await viaProxy(proxy, `${origin.url}/headers`, {
      headers: [
        'X-Zeta',
        'z',
        'Host',
        `127.0.0.1:${origin.port}`,
        'accept',
        '*/*',
        'X-Alpha',
        'a',
        'Proxy-Connection',
        'keep-alive',
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok');
    const names = res.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names.slice(0, 5)).toEqual(['X-First', 'content-TYPE', 'x-Second', 'Set-Cookie', 'Set-Cookie']);
    const upstreamNames = seen[0]!.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(upstreamNames).toContain('X-Zeta');
    expect(upstreamNames.indexOf('X-Zeta')).toBeLessThan(upstreamNames.indexOf('X-Alpha'));
    // Hop-by-hop fields stop at the proxy (RFC 9110 §7.6.1).
    expect(upstreamNames.map((n) => n.toLowerCase())).not.toContain('proxy-connection');

    const exchange = await proxy.finished((e) => e.request.url === `${origin.url}/headers`);
    expect(exchange.state).toBe('complete');
    expect(exchange.kind).toBe('http');
    expect(exchange.request.method).toBe('GET');
    expect(exchange.request.httpVersion).toBe('HTTP/1.1');
    // Recorded as it went upstream, field for field what the server got, and as the client
    // sent it (Node's client adds no Host to a raw header list: the test gives one, as HTTP/1.1
    // requires, RFC 9112 §3.2).
    expect(exchange.request.headers.flatMap((h) => [h.name, h.value])).toEqual(seen[0]!.rawHeaders);
    expect(exchange.request.clientHeaders?.map((h) => h.name)).toEqual([
      'X-Zeta',
      'Host',
      'accept',
      'X-Alpha',
      'Proxy-Connection',
      'Connection',
    ]);
    // RFC 9112 §3.2.2: the proxy gives the server the Host of the absolute URL.
    const hostIndex = seen[0]!.rawHeaders.findIndex((h) => h.toLowerCase() === 'host');
    expect(seen[0]!.rawHeaders[hostIndex + 1]).toBe(`127.0.0.1:${origin.port}`);
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.headers.slice(0, 3).map((h) => h.name)).toEqual([
      'X-First',
      'content-TYPE',
      'x-Second',
    ]);
    expect(exchange.response?.headers.filter((h) => h.name === 'Set-Cookie').map((h) => h.value)).toEqual([
      'a=1',
      'b=2',
    ]);
    expect(exchange.connection.serverIp).toBe('127.0.0.1');
    expect(exchange.connection.serverPort).toBe(origin.port);
    expect(exchange.connection.clientAddress).toBe('127.0.0.1');
    expect(typeof exchange.connection.clientPort).toBe('number');
    expect(exchange.response?.body.sizeBytes).toBe(2);
  });

  it('reuses the upstream connection over keep-alive, visibly: no dns/connect on the second exchange', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await viaProxy(proxy, `${origin.url}/reuse-1`, { agent });
      await viaProxy(proxy, `${origin.url}/reuse-2`, { agent });
    } finally {
      agent.destroy();
    }
    const first = await proxy.finished((e) => e.request.url.endsWith('/reuse-1'));
    const second = await proxy.finished((e) => e.request.url.endsWith('/reuse-2'));
    expect(second.connection.id).toBe(first.connection.id);
    expect(second.connection.reused).toBe(true);
    expect(second.timings.connect).toBeUndefined();
    expect(second.timings.dns).toBeUndefined();
    expect(second.timings.ssl).toBeUndefined();
    expect(second.timings.wait).toBeGreaterThanOrEqual(0);
    expect(second.timings.receive).toBeGreaterThanOrEqual(0);
  });

  it('times a new connection from socket events: blocked, connect, send, wait, receive', async () => {
    // A name (not an IP literal) makes the resolver run: the dns phase is measured.
    const url = `http://localhost:${origin.port}/timed`;
    const res = await viaProxy(proxy, url);
    expect(res.status).toBe(200);
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.connection.reused).toBe(false);
    for (const phase of ['blocked', 'dns', 'connect', 'send', 'wait', 'receive'] as const) {
      expect(exchange.timings[phase], phase).toBeGreaterThanOrEqual(0);
    }
    expect(exchange.timings.ssl).toBeUndefined();
    expect(exchange.durationMs).toBeGreaterThan(0);
  });

  it('streams chunked responses and chunked request bodies', async () => {
    const res = await viaProxy(proxy, `${origin.url}/chunked`);
    expect(res.body.toString()).toBe('part1-part2');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    // The body as received, without the chunk framing (docs/har.md: response.bodySize).
    const chunked = await proxy.finished((e) => e.request.url.endsWith('/chunked'));
    expect(chunked.response!.body.sizeBytes).toBe('part1-part2'.length);

    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        method: 'POST',
        path: `${origin.url}/echo`,
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve(Buffer.concat(chunks).toString()));
      });
      req.write('first,');
      setTimeout(() => req.end('second'), 20);
    });
    expect(body).toBe('first,second');
    expect(seen.find((s) => s.url === '/echo')?.body.toString()).toBe('first,second');
    const exchange = await proxy.finished(
      (e) => e.request.method === 'POST' && e.request.url.endsWith('/echo'),
    );
    expect(exchange.request.body.sizeBytes).toBe(12);
    const payload = await proxy.engine.exchanges.body(exchange.id, 'request');
    expect(Buffer.from(payload!.base64, 'base64').toString()).toBe('first,second');
  });

  it('passes the trailer fields of a chunked response on', async () => {
    const trailers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        path: `${origin.url}/trailers`,
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.trailers));
      });
      req.end();
    });
    expect(trailers['x-checksum']).toBe('abc123');
  });

  it('handles HEAD, 204 and 304 without bodies', async () => {
    const head = await viaProxy(proxy, `${origin.url}/head`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('5');
    expect(head.body.length).toBe(0);
    const noContent = await viaProxy(proxy, `${origin.url}/no-content`);
    expect(noContent.status).toBe(204);
    const notModified = await viaProxy(proxy, `${origin.url}/not-modified`, {
      headers: { 'If-None-Match': '"v1"' },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"v1"');
    const recorded = await proxy.finished((e) => e.request.url.endsWith('/not-modified'));
    expect(recorded.response?.status).toBe(304);
    expect(recorded.response?.body.sizeBytes).toBe(0);
    // The connection survived all three: a further request works.
    expect((await viaProxy(proxy, `${origin.url}/after`)).status).toBe(200);
  });

  it('relays Expect: 100-continue (curl waits for the 100 before sending the body)', async () => {
    const result = await curl([
      '-s',
      '-x',
      proxy.url,
      '-H',
      'Expect: 100-continue',
      '--expect100-timeout',
      '20',
      '--data-binary',
      'payload-after-continue',
      '-w',
      '\n%{http_code}',
      `${origin.url}/echo`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('payload-after-continue\n200');
    const upstreamHeaders = seen.find((s) => s.url === '/echo')!.rawHeaders.map((h) => h.toLowerCase());
    expect(upstreamHeaders).toContain('100-continue');
  });

  it('decodes gzip and br bodies on demand, and returns raw bytes for a broken encoding', async () => {
    await viaProxy(proxy, `${origin.url}/gzip`);
    await viaProxy(proxy, `${origin.url}/br`);
    await viaProxy(proxy, `${origin.url}/broken-gzip`);
    const gz = await proxy.finished((e) => e.request.url.endsWith('/gzip'));
    const br = await proxy.finished((e) => e.request.url.endsWith('/br'));
    const broken = await proxy.finished((e) => e.request.url.endsWith('/broken-gzip'));
    expect(gz.response?.body.contentEncoding).toBe('gzip');
    expect(gz.response?.body.decodedSizeBytes).toBe('hello gzip '.length * 100);
    expect(br.response?.body.decodedSizeBytes).toBe('hello brotli '.length * 100);
    const decoded = await proxy.engine.exchanges.body(gz.id, 'response');
    expect(decoded?.decoded).toBe(true);
    expect(Buffer.from(decoded!.base64, 'base64').toString()).toBe('hello gzip '.repeat(100));
    const raw = await proxy.engine.exchanges.body(gz.id, 'response', false);
    expect(raw?.decoded).toBe(false);
    expect(zlib.gunzipSync(Buffer.from(raw!.base64, 'base64')).toString()).toBe('hello gzip '.repeat(100));
    const brDecoded = await proxy.engine.exchanges.body(br.id, 'response');
    expect(Buffer.from(brDecoded!.base64, 'base64').toString()).toBe('hello brotli '.repeat(100));
    const brokenPayload = await proxy.engine.exchanges.body(broken.id, 'response');
    expect(brokenPayload?.decoded).toBe(false);
    expect(Buffer.from(brokenPayload!.base64, 'base64').toString()).toBe('this is not gzip');
    expect(broken.response?.body.decodedSizeBytes).toBeUndefined();
  });

  it('spills large bodies to disk and marks captures beyond the cap truncated', async () => {
    const spilled = await viaProxy(proxy, `${origin.url}/big?size=${100 * 1024}`);
    expect(spilled.body.length).toBe(100 * 1024);
    const huge = await viaProxy(proxy, `${origin.url}/big?size=${1024 * 1024}`);
    expect(huge.body.length).toBe(1024 * 1024);
    const spilledExchange = await proxy.finished((e) => e.request.url.endsWith(`size=${100 * 1024}`));
    const hugeExchange = await proxy.finished((e) => e.request.url.endsWith(`size=${1024 * 1024}`));
    expect(spilledExchange.response?.body).toMatchObject({
      sizeBytes: 100 * 1024,
      capturedBytes: 100 * 1024,
      truncated: false,
    });
    expect(hugeExchange.response?.body).toMatchObject({
      sizeBytes: 1024 * 1024,
      capturedBytes: 256 * 1024,
      truncated: true,
    });
    const runDirs = fs.readdirSync(path.join(proxy.dataDir, 'bodies'));
    expect(runDirs.length).toBe(1);
    // Spilled files wait in the run folder until the session writer moves them into the
    // session (a rename, at any moment), so the records say where each one is.
    const store = proxy.engine.exchanges;
    expect(store).toBeInstanceOf(ExchangeStore);
    const records = [spilledExchange, hugeExchange].map((e) =>
      (store as ExchangeStore).storedBody(e.id, 'response'),
    );
    expect(records.map((r) => r?.storage)).toEqual(['file', 'file']);
    const paths = records.map((r) => (r?.storage === 'file' ? r.path : ''));
    expect(new Set(paths).size).toBe(2);
    const spilledPayload = await store.body(spilledExchange.id, 'response');
    expect(Buffer.from(spilledPayload!.base64, 'base64').length).toBe(100 * 1024);
    const payload = await proxy.engine.exchanges.body(hugeExchange.id, 'response');
    expect(payload?.truncated).toBe(true);
    expect(Buffer.from(payload!.base64, 'base64').length).toBe(256 * 1024);
  });

  it('serves its own info page and the CA certificate to origin-form requests', async () => {
    const page = await rawExchange(proxy, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(page.text).toMatch(/^HTTP\/1\.1 200/);
    expect(page.text).toContain('/ca.pem');
    const ca = await rawExchange(proxy, 'GET /ca.pem HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(ca.text).toContain(proxy.caPem.trim());
    // A proxied request naming the proxy itself is not forwarded in a loop.
    const self = await viaProxy(proxy, `${proxy.url}/`);
    expect(self.status).toBe(200);
    expect(self.body.toString()).toContain('NetLens proxy');
  });

  it('answers 400 to a malformed request and records it as protocol_error in phase request', async () => {
    const result = await rawExchange(proxy, 'GET http://127.0.0.1/x HTTP/1.1\r\nBad Header Line\r\n\r\n');
    expect(result.text).toMatch(/^HTTP\/1\.1 400/);
    expect(result.text).toContain('x-netlens-error: protocol_error');
    const exchange = await proxy.finished(
      (e) => e.request.url === 'http://127.0.0.1/x' && e.state === 'failed',
    );
    expect(exchange.error?.class).toBe('protocol_error');
    expect(exchange.error?.phase).toBe('request');
  });

  it('answers 400 to a request target it cannot forward, and records it', async () => {
    const result = await rawExchange(
      proxy,
      'GET ftp://files.example/x HTTP/1.1\r\nHost: files.example\r\nConnection: close\r\n\r\n',
    );
    expect(result.text).toMatch(/^HTTP\/1\.1 400/);
    expect(result.text).toContain('unsupported scheme ftp:');
    const exchange = await proxy.finished((e) => e.request.url === 'ftp://files.example/x');
    expect(exchange.error?.class).toBe('protocol_error');
    expect(exchange.error?.phase).toBe('request');
  });

  it('answers 431 to an oversized head and records it', async () => {
    const small = await startProxy({ maxHeaderBytes: 2048 });
    try {
      const result = await rawExchange(
        small,
        `GET http://127.0.0.1/big-head HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`,
      );
      expect(result.text).toMatch(/^HTTP\/1\.1 431/);
      const exchange = await small.finished((e) => e.state === 'failed');
      expect(exchange.error?.class).toBe('protocol_error');
      expect(exchange.error?.phase).toBe('request');
      expect(exchange.error?.message).toContain('431');
    } finally {
      await small.close();
    }
  });

  it('drops a client that never finishes its head (slowloris) without touching other clients', async () => {
    const slow = await startProxy({ clientHeadersTimeoutMs: 300 });
    try {
      const socket = net.connect(slow.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\n');
      const closed = new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
      });
      const good = await viaProxy(slow, `${origin.url}/meanwhile`);
      expect(good.status).toBe(200);
      const text = await closed;
      expect(text === '' || text.startsWith('HTTP/1.1 408')).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('reports the progress of a slow body with throttled updates', async () => {
    const slow = await httpOrigin((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write('x'.repeat(100));
        sent += 1;
        if (sent === 20) {
          clearInterval(timer);
          res.end();
        }
      }, 40);
    });
    try {
      const res = await viaProxy(proxy, `${slow.url}/slow-body`);
      expect(res.body.length).toBe(2000);
      const exchange = await proxy.finished((e) => e.request.url === `${slow.url}/slow-body`);
      const updates = proxy.events.filter(
        (e) => e.type === 'exchange:updated' && e.exchange.id === exchange.id,
      );
      // ~800 ms of body: a few progress updates, not one per chunk.
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect(updates.length).toBeLessThan(20);
      const sizes = updates.map((e) =>
        e.type === 'exchange:updated' ? (e.exchange.response?.body.sizeBytes ?? 0) : 0,
      );
      expect(sizes[sizes.length - 1]).toBeGreaterThan(0);
      expect(sizes.every((v, i) => i === 0 || v >= sizes[i - 1]!)).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('emits started, updated and finished events for an exchange', async () => {
    await viaProxy(proxy, `${origin.url}/events`);
    const exchange = await proxy.finished((e) => e.request.url.endsWith('/events'));
    const types = proxy.events
      .filter((e) => 'exchange' in e && e.exchange.id === exchange.id)
      .map((e) => e.type);
    expect(types[0]).toBe('exchange:started');
    expect(types[types.length - 1]).toBe('exchange:finished');
    expect(headerValue(exchange.response!.headers, 'content-length')).toBe('5');
  });
});
