/**
 * HTTP/2 through the proxy with real clients and servers on 127.0.0.1: curl --http2 and Node's
 * http2 client to NetLens (ALPN h2 on intercepted HTTPS, h2c with prior knowledge on the proxy
 * port), an HTTP/2-only origin and an HTTP/1.1-only origin behind it, streams of one connection
 * multiplexed, resets and GOAWAY on either side, and gRPC's trailers.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import {
  connectTunnel,
  curl,
  httpOrigin,
  httpsOrigin,
  startProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';
import { get, h2Origin, h2ViaTunnel, type H2Origin } from './http2Harness.js';

/** An HPACK literal header field without indexing, new name (RFC 7541 §6.2.2); short strings only. */
function hpackLiteral(name: string, value: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x00, name.length]),
    Buffer.from(name),
    Buffer.from([value.length]),
    Buffer.from(value),
  ]);
}

/** A HEADERS frame with END_STREAM and END_HEADERS on `id`. */
function headersFrame(id: number, block: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(block.length, 0, 3);
  head[3] = 0x1;
  head[4] = 0x5;
  head.writeUInt32BE(id, 5);
  return Buffer.concat([head, block]);
}

/** The frames a peer sent: `TYPE@stream`, with the error code of RST_STREAM frames. */
function framesOf(bytes: Buffer): string[] {
  const frames: string[] = [];
  for (let offset = 0; offset + 9 <= bytes.length;) {
    const length = bytes.readUIntBE(offset, 3);
    const type = bytes[offset + 3]!;
    const id = bytes.readUInt32BE(offset + 5) & 0x7fffffff;
    frames.push(type === 3 ? `RST_STREAM@${id}:${bytes.readUInt32BE(offset + 9)}` : `${type}@${id}`);
    offset += 9 + length;
  }
  return frames;
}

/** A gRPC message: flag byte, 4-byte big-endian length, payload (gRPC over HTTP/2). */
function grpcMessage(payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

describe('HTTP/2', () => {
  let pki: TestPki;
  let proxy: TestProxy;
  let h1: Origin;
  let h2: H2Origin;
  let plain: Origin;
  /** Streams the HTTP/2 origin was asked for. */
  let originStreams = 0;

  beforeAll(async () => {
    pki = makeTestPki();
    proxy = await startProxy(
      { connectTimeoutMs: 3000, responseTimeoutMs: 5000 },
      { extraUpstreamCaCerts: [pki.ca.certPem] },
    );
    h1 = await httpsOrigin(pki.valid, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Host': req.headers.host ?? '' });
        res.end(`h1 ${req.httpVersion} ${req.method} ${req.url} ${Buffer.concat(chunks).length}`);
      });
    });
    plain = await httpOrigin((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`plain ${req.httpVersion} ${req.url}`);
    });
    h2 = await h2Origin(pki, (stream, headers) => {
      originStreams += 1;
      const path = String(headers[':path']);
      if (path.startsWith('/slow')) {
        // A head, one chunk, then nothing until the client gives up.
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        stream.write('first chunk ');
        return;
      }
      if (path === '/reset') {
        stream.respond({ ':status': 200 });
        // destroy(error) sends RST_STREAM INTERNAL_ERROR alone (close() would end the stream first).
        stream.write('partial', () => stream.destroy(new Error('origin gives up')));
        return;
      }
      if (path === '/goaway') {
        stream.respond({ ':status': 200 });
        stream.write('partial', () => {
          stream.session?.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from('too busy'));
          stream.session?.destroy();
        });
        return;
      }
      if (path.startsWith('/grpc.test.Echo/')) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.on('wantTrailers', () =>
            stream.sendTrailers(
              path.endsWith('/Fail')
                ? { 'grpc-status': '14', 'grpc-message': 'backend%20down' }
                : { 'grpc-status': '0' },
            ),
          );
          // Echo each message back twice.
          const request = Buffer.concat(chunks);
          stream.end(Buffer.concat([request, request]));
        });
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        stream.respond({
          ':status': 200,
          'content-type': 'text/plain',
          'x-authority': String(headers[':authority']),
        });
        stream.end(`h2 ${headers[':method']} ${path} ${Buffer.concat(chunks).length}`);
      });
    });
  });

  afterAll(async () => {
    await h1.close();
    await h2.close();
    await plain.close();
    await proxy.close();
  });

  it('curl --http2 speaks h2 to NetLens, and NetLens HTTP/1.1 to an HTTP/1.1-only origin', async () => {
    const url = `https://localhost:${h1.port}/curl-h1`;
    const result = await curl([
      '-s',
      '--http2',
      '-w',
      '\n%{http_version}',
      '-x',
      proxy.url,
      '--cacert',
      proxy.engine.caCertPath,
      url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('h1 1.1 GET /curl-h1 0\n2');
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.state).toBe('complete');
    expect(exchange.request.httpVersion).toBe('HTTP/2.0');
    expect(exchange.response?.httpVersion).toBe('HTTP/1.1');
    expect(exchange.connection.clientTls?.alpn).toBe('h2');
    expect(exchange.connection.tls?.alpn).toBe('http/1.1');
    expect(exchange.http2?.clientStreamId).toBe(1);
    expect(exchange.http2?.clientConnectionId).toMatch(/^k\d+$/);
    expect(exchange.http2?.upstreamStreamId).toBeUndefined();
    // What went upstream is an HTTP/1.1 head (Host, no pseudo-headers); the client's is kept.
    expect(exchange.request.headers.map((h) => h.name)).toContain('host');
    expect(exchange.request.headers.some((h) => h.name.startsWith(':'))).toBe(false);
    expect(exchange.request.clientHeaders?.find((h) => h.name === ':path')?.value).toBe('/curl-h1');
    for (const phase of ['dns', 'connect', 'ssl', 'send', 'wait', 'receive'] as const) {
      expect(exchange.timings[phase]).toBeGreaterThanOrEqual(0);
    }
  });

  it('curl --http2 to an HTTP/2-only origin: h2 on both sides, the upstream stream recorded', async () => {
    const url = `https://localhost:${h2.port}/curl-h2`;
    const result = await curl([
      '-s',
      '--http2',
      '-w',
      '\n%{http_version}',
      '-x',
      proxy.url,
      '--cacert',
      proxy.engine.caCertPath,
      url,
    ]);
    expect(result.stdout).toBe(`h2 GET /curl-h2 0\n2`);
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.request.httpVersion).toBe('HTTP/2.0');
    expect(exchange.response?.httpVersion).toBe('HTTP/2.0');
    expect(exchange.response?.headers[0]).toEqual({ name: ':status', value: '200' });
    expect(exchange.connection.tls?.alpn).toBe('h2');
    expect(exchange.http2?.upstreamStreamId).toBe(1);
    expect(exchange.http2?.serverSettings?.maxConcurrentStreams).toBeGreaterThan(0);
  });

  it('an HTTP/1.1 client reaches an HTTP/2-only origin (it refuses HTTP/1.1 by ALPN)', async () => {
    const url = `https://127.0.0.1:${h2.port}/curl-h1-client`;
    const result = await curl([
      '-s',
      '--http1.1',
      '-w',
      '\n%{http_version}',
      '-x',
      proxy.url,
      '--cacert',
      proxy.engine.caCertPath,
      url,
    ]);
    expect(result.stdout).toBe(`h2 GET /curl-h1-client 0\n1.1`);
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.state).toBe('complete');
    expect(exchange.request.httpVersion).toBe('HTTP/1.1');
    expect(exchange.response?.httpVersion).toBe('HTTP/2.0');
    expect(exchange.connection.tls?.alpn).toBe('h2');
  });

  it('multiplexes streams of one client connection over one pooled upstream session', async () => {
    const authority = `localhost:${h2.port}`;
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const first = await get(session, '/mux/0');
      expect(first.body).toBe('h2 GET /mux/0 0');
      const results = await Promise.all([1, 2, 3, 4].map((i) => get(session, `/mux/${i}`)));
      expect(results.map((r) => r.body)).toEqual([1, 2, 3, 4].map((i) => `h2 GET /mux/${i} 0`));
      const post = await get(session, '/mux/post', { ':method': 'POST' }, Buffer.alloc(100_000, 1));
      expect(post.body).toBe('h2 POST /mux/post 100000');
    } finally {
      session.close();
    }
    const exchanges: Exchange[] = [];
    for (const i of [0, 1, 2, 3, 4, 'post']) {
      exchanges.push(await proxy.finished((e) => e.request.url === `https://${authority}/mux/${i}`));
    }
    const clientConnections = new Set(exchanges.map((e) => e.http2?.clientConnectionId));
    expect(clientConnections.size).toBe(1);
    expect(new Set(exchanges.map((e) => e.http2?.clientStreamId)).size).toBe(6);
    // One upstream connection: opened by an earlier request, reused by the others (no dns, connect, ssl).
    expect(new Set(exchanges.map((e) => e.connection.id)).size).toBe(1);
    for (const exchange of exchanges.slice(1)) {
      expect(exchange.connection.reused).toBe(true);
      expect(exchange.timings.connect).toBeUndefined();
      expect(exchange.timings.wait).toBeGreaterThanOrEqual(0);
    }
    expect(exchanges.at(-1)!.request.body.sizeBytes).toBe(100_000);
  });

  it('a client RST_STREAM fails only its stream, as client_aborted naming the code', async () => {
    const authority = `localhost:${h2.port}`;
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const stream = session.request({ ':path': '/slow/cancel' });
      stream.on('error', () => undefined);
      await new Promise<void>((resolve) => stream.once('data', () => resolve()));
      stream.close(http2.constants.NGHTTP2_CANCEL);
      const failed = await proxy.finished((e) => e.request.url === `https://${authority}/slow/cancel`);
      expect(failed.state).toBe('failed');
      expect(failed.error?.class).toBe('client_aborted');
      expect(failed.error?.phase).toBe('receive');
      expect(failed.error?.detail).toBe('RST_STREAM CANCEL (0x8) from the client');
      expect(failed.error?.message).toContain('the client ended the stream with RST_STREAM CANCEL');
      expect(failed.http2?.reset).toEqual({ by: 'client', code: 8, name: 'CANCEL' });
      // The same connection goes on serving.
      const after = await get(session, '/after-cancel');
      expect(after.body).toBe('h2 GET /after-cancel 0');
    } finally {
      session.close();
    }
  });

  it('an upstream RST_STREAM is a classified failure, mirrored as a reset of that stream only', async () => {
    const authority = `localhost:${h2.port}`;
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const [reset, other] = await Promise.all([get(session, '/reset'), get(session, '/beside-reset')]);
      expect(reset.status).toBe(200);
      expect(reset.rstCode).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
      expect(other.body).toBe('h2 GET /beside-reset 0');
    } finally {
      session.close();
    }
    const failed = await proxy.finished((e) => e.request.url === `https://${authority}/reset`);
    expect(failed.error?.class).toBe('connection_reset');
    expect(failed.error?.phase).toBe('receive');
    expect(failed.error?.detail).toBe('RST_STREAM INTERNAL_ERROR (0x2) from the server');
    expect(failed.error?.message).toMatch(/the server ended the stream with RST_STREAM INTERNAL_ERROR/);
    expect(failed.http2?.reset).toMatchObject({ by: 'server', code: 2 });
  });

  it("an upstream GOAWAY with an error fails the streams it cut, naming the code and the server's reason", async () => {
    const authority = `localhost:${h2.port}`;
    const session = await h2ViaTunnel(proxy, authority);
    try {
      const result = await get(session, '/goaway');
      expect(result.status).toBe(200);
      expect(result.rstCode).toBeDefined();
      // A new upstream session serves the next request.
      const next = await get(session, '/after-goaway');
      expect(next.body).toBe('h2 GET /after-goaway 0');
    } finally {
      session.close();
    }
    const failed = await proxy.finished((e) => e.request.url === `https://${authority}/goaway`);
    expect(failed.error?.class).toBe('connection_reset');
    expect(failed.error?.detail).toBe('GOAWAY ENHANCE_YOUR_CALM (0xb) from the server: too busy');
    expect(failed.http2?.goAway).toMatchObject({
      by: 'server',
      name: 'ENHANCE_YOUR_CALM',
      debug: 'too busy',
    });
  });

  it('h2c with prior knowledge on the proxy port forwards to the origin its :authority names', async () => {
    const session = http2.connect(proxy.url);
    session.on('error', () => undefined);
    try {
      const result = await get(session, '/prior', {
        ':authority': `127.0.0.1:${plain.port}`,
        ':scheme': 'http',
      });
      expect(result.body).toBe('plain 1.1 /prior');
    } finally {
      session.close();
    }
    const exchange = await proxy.finished((e) => e.request.url === `${plain.url}/prior`);
    expect(exchange.request.httpVersion).toBe('HTTP/2.0');
    expect(exchange.http2?.clientCleartext).toBe(true);
    expect(exchange.response?.status).toBe(200);
  });

  it('gRPC: messages counted by their length prefix, grpc-status from the trailers', async () => {
    const authority = `localhost:${h2.port}`;
    const session = await h2ViaTunnel(proxy, authority);
    const body = Buffer.concat([grpcMessage(Buffer.from('one')), grpcMessage(Buffer.from('two'))]);
    const headers = { ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers' };
    try {
      const ok = await get(session, '/grpc.test.Echo/Say', headers, body);
      expect(ok.trailers?.['grpc-status']).toBe('0');
      const failed = await get(session, '/grpc.test.Echo/Fail', headers, body);
      expect(failed.trailers?.['grpc-status']).toBe('14');
      expect(failed.trailers?.['grpc-message']).toBe('backend%20down');
    } finally {
      session.close();
    }
    const ok = await proxy.finished((e) => e.request.url === `https://${authority}/grpc.test.Echo/Say`);
    expect(ok.grpc).toMatchObject({ service: 'grpc.test.Echo', method: 'Say', status: 0, statusName: 'OK' });
    expect(ok.grpc?.requestMessages).toBe(2);
    expect(ok.grpc?.responseMessages).toBe(4);
    expect(ok.response?.trailers).toEqual([{ name: 'grpc-status', value: '0' }]);
    const failed = await proxy.finished((e) => e.request.url === `https://${authority}/grpc.test.Echo/Fail`);
    expect(failed.grpc).toMatchObject({ status: 14, statusName: 'UNAVAILABLE', message: 'backend down' });
  });

  it('a client that breaks the protocol loses its connection, recorded; the proxy serves the next', async () => {
    const { socket } = await connectTunnel(proxy, `localhost:${h2.port}`);
    const secure = tls.connect({ socket, servername: 'localhost', ca: proxy.caPem, ALPNProtocols: ['h2'] });
    await new Promise<void>((resolve) => secure.once('secureConnect', resolve));
    secure.on('error', () => undefined);
    // The preface, then a frame of an unknown stream state: HEADERS on stream 2 (even: server-initiated).
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
    const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const badHeaders = Buffer.from([0, 0, 1, 1, 5, 0, 0, 0, 2, 0x82]);
    secure.write(Buffer.concat([preface, settings, badHeaders]));
    // Read what NetLens answers (its SETTINGS, then GOAWAY) until it closes the connection.
    secure.resume();
    await new Promise<void>((resolve) => secure.once('close', () => resolve()));
    const failed = await proxy.finished(
      (e) => e.request.method === 'PRI' && e.error?.class === 'protocol_error',
    );
    expect(failed.error?.detail).toMatch(/^GOAWAY PROTOCOL_ERROR \(0x1\) sent by NetLens/);
    const result = await curl([
      '-s',
      '--http2',
      '-x',
      proxy.url,
      '--cacert',
      proxy.engine.caCertPath,
      `https://localhost:${h2.port}/still-serving`,
    ]);
    expect(result.stdout).toBe('h2 GET /still-serving 0');
  });

  it('invalid pseudo-headers: each stream reset PROTOCOL_ERROR and recorded; the connection goes on', async () => {
    // h2c with prior knowledge on the proxy port, frames written by hand: Node's client refuses
    // to send such heads at all.
    const socket = net.connect(proxy.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const authority = `127.0.0.1:${plain.port}`;
    // :method GET (0x82), :scheme http (0x86), :authority, then what each case adds.
    const head = (...fields: Buffer[]) =>
      Buffer.concat([Buffer.from([0x82, 0x86]), hpackLiteral(':authority', authority), ...fields]);
    socket.write(
      Buffer.concat([
        Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
        Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
        headersFrame(1, head(hpackLiteral(':path', '/a'), hpackLiteral(':foo', 'bar'))), // unknown
        headersFrame(3, head()), // :path missing
        headersFrame(5, head(hpackLiteral(':path', '/b'), hpackLiteral(':path', '/c'))), // repeated
        headersFrame(7, head(hpackLiteral(':path', '/d'), hpackLiteral('X-Upper', 'y'))), // uppercase
        headersFrame(9, head(hpackLiteral('x-first', '1'), hpackLiteral(':path', '/e'))), // after a field
        headersFrame(11, head(hpackLiteral(':path', '/fine'))),
      ]),
    );
    // The good stream is answered on the same connection.
    const served = await proxy.finished(
      (e) => e.request.url === `http://${authority}/fine` && e.http2?.clientConnectionId !== undefined,
    );
    expect(served.response?.status).toBe(200);
    const connection = served.http2!.clientConnectionId;
    const refused = proxy.events.flatMap((e) =>
      e.type === 'exchange:finished' &&
      e.exchange.http2?.clientConnectionId === connection &&
      e.exchange.request.method === 'PRI'
        ? [e.exchange]
        : [],
    );
    expect(refused.map((e) => e.http2?.clientStreamId)).toEqual([1, 3, 5, 7, 9]);
    for (const exchange of refused) {
      expect(exchange.error?.class).toBe('protocol_error');
      expect(exchange.http2?.reset).toEqual({ by: 'netlens', code: 1, name: 'PROTOCOL_ERROR' });
      expect(exchange.error?.detail).toMatch(
        /^RST_STREAM PROTOCOL_ERROR \(0x1\) sent by NetLens: the client's HEADERS on stream \d+ are malformed/,
      );
    }
    await new Promise<void>((resolve) => {
      const check = () => (framesOf(Buffer.concat(received)).includes('0@11') ? resolve() : undefined);
      socket.on('data', check);
      check();
    });
    const frames = framesOf(Buffer.concat(received));
    for (const id of [1, 3, 5, 7, 9]) expect(frames).toContain(`RST_STREAM@${id}:1`);
    expect(frames.some((f) => f.startsWith('7@'))).toBe(false); // no GOAWAY
    socket.destroy();
  });

  it('a request NetLens cannot route (an unknown :scheme) is answered 400 on its stream and recorded', async () => {
    const session = http2.connect(proxy.url);
    session.on('error', () => undefined);
    try {
      const bad = await get(session, '/x', { ':scheme': 'ftp', ':authority': `127.0.0.1:${plain.port}` });
      expect(bad.status).toBe(400);
      const good = await get(session, '/after-bad-scheme', { ':authority': `127.0.0.1:${plain.port}` });
      expect(good.body).toBe('plain 1.1 /after-bad-scheme');
    } finally {
      session.close();
    }
    const recorded = await proxy.finished(
      (e) =>
        e.error?.class === 'protocol_error' && e.http2?.clientStreamId === 1 && /ftp/.test(e.error.message),
    );
    expect(recorded.error?.phase).toBe('request');
  });

  it('an oversized header list is answered 431 on its stream and recorded; the connection goes on', async () => {
    const session = http2.connect(proxy.url, { maxSendHeaderBlockLength: 1024 * 1024 });
    session.on('error', () => undefined);
    try {
      // 70,000 bytes of field value: over the 64 KiB maxHeaderBytes.
      const big = await get(session, '/big-head', {
        ':authority': `127.0.0.1:${plain.port}`,
        'x-big': 'a'.repeat(70_000),
      });
      expect(big.status).toBe(431);
      const next = await get(session, '/after-big-head', { ':authority': `127.0.0.1:${plain.port}` });
      expect(next.body).toBe('plain 1.1 /after-big-head');
    } finally {
      session.close();
    }
    const recorded = await proxy.finished((e) => e.request.url.endsWith('/big-head'));
    expect(recorded.error).toMatchObject({
      class: 'protocol_error',
      phase: 'request',
      detail: expect.stringMatching(
        /header list is \d+ bytes, larger than the limit of 65536 \(maxHeaderBytes\)/,
      ),
    });
    expect(recorded.request.url).toBe(`http://127.0.0.1:${plain.port}/big-head`);
  });

  it('survives a rapid-reset flood (CVE-2023-44487): nothing reaches the origin, GOAWAY ENHANCE_YOUR_CALM, recorded', async () => {
    const before = originStreams;
    const authority = `localhost:${h2.port}`;
    const { socket } = await connectTunnel(proxy, authority);
    const secure = tls.connect({ socket, servername: 'localhost', ca: proxy.caPem, ALPNProtocols: ['h2'] });
    await new Promise<void>((resolve) => secure.once('secureConnect', resolve));
    secure.on('error', () => undefined);
    // HPACK (RFC 7541): :method GET (0x82), :path / (0x84), :scheme https (0x87), :authority literal.
    const block = Buffer.concat([
      Buffer.from([0x82, 0x84, 0x87, 0x01, authority.length]),
      Buffer.from(authority),
    ]);
    const frames: Buffer[] = [
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
    ];
    for (let i = 0; i < 400; i += 1) {
      const id = 1 + 2 * i;
      const headers = Buffer.alloc(9);
      headers.writeUIntBE(block.length, 0, 3);
      headers[3] = 0x1; // HEADERS
      headers[4] = 0x5; // END_STREAM | END_HEADERS
      headers.writeUInt32BE(id, 5);
      const reset = Buffer.alloc(13);
      reset.writeUIntBE(4, 0, 3);
      reset[3] = 0x3; // RST_STREAM
      reset.writeUInt32BE(id, 5);
      reset.writeUInt32BE(http2.constants.NGHTTP2_CANCEL, 9);
      frames.push(headers, block, reset);
    }
    secure.write(Buffer.concat(frames));
    secure.resume();
    await new Promise<void>((resolve) => secure.once('close', () => resolve()));
    const goAway = await proxy.finished(
      (e) => e.request.method === 'PRI' && e.http2?.goAway?.name === 'ENHANCE_YOUR_CALM',
    );
    expect(goAway.error?.class).toBe('protocol_error');
    expect(goAway.error?.detail).toMatch(
      /^GOAWAY ENHANCE_YOUR_CALM \(0xb\) sent by NetLens: the client reset streams faster than 50 a second after a burst of 200 .*; \d+ were reset before NetLens started them$/,
    );
    expect(goAway.error?.message).toContain('ENHANCE_YOUR_CALM');
    // Streams reset in the read that opened them never went upstream: at most ten are recorded
    // one by one (none here: the connection failed before they were started).
    const early = proxy.events.filter(
      (e) =>
        e.type === 'exchange:finished' &&
        e.exchange.http2?.reset?.by === 'client' &&
        e.exchange.request.url === `https://${authority}/`,
    );
    expect(early.length).toBeLessThanOrEqual(10);
    expect(originStreams).toBe(before);
    // Other clients are served as before.
    const result = await curl([
      '-s',
      '--http2',
      '-x',
      proxy.url,
      '--cacert',
      proxy.engine.caCertPath,
      `https://${authority}/after-flood`,
    ]);
    expect(result.stdout).toBe('h2 GET /after-flood 0');
  });
});
