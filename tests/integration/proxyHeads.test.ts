/**
 * The record of a request head is what went upstream, and the client's own head beside it when
 * the proxy changed it; an upgrade the proxy does not carry out (h2c) is taken out cleanly.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Header } from '@shared/model.js';
import { curl, httpOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';

const names = (headers: readonly Header[] | undefined): string[] =>
  (headers ?? []).map((h) => h.name.toLowerCase());
const pairs = (headers: readonly Header[]): string[] => headers.flatMap((h) => [h.name, h.value]);

describe('request heads: as sent upstream, and as the client sent them', () => {
  let proxy: TestProxy;
  let origin: Origin;
  const seen: { method: string; rawHeaders: string[]; body: string }[] = [];

  beforeAll(async () => {
    proxy = await startProxy();
    origin = await httpOrigin((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method!,
          rawHeaders: req.rawHeaders,
          body: Buffer.concat(chunks).toString(),
        });
        res.end(`answer to ${req.method}`);
      });
    });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
  });

  it('records what the server got, and the client head with its proxy fields beside it (curl)', async () => {
    const url = `${origin.url}/heads`;
    const result = await curl(['-s', '-x', proxy.url, '-U', 'user:secret', '-H', 'X-Trace: 1', url]);
    expect(result.stdout).toBe('answer to GET');
    const exchange = await proxy.finished((e) => e.request.url === url);
    // Byte for byte the head the server read.
    expect(pairs(exchange.request.headers)).toEqual(seen[0]!.rawHeaders);
    expect(names(exchange.request.headers)).not.toContain('proxy-authorization');
    expect(names(exchange.request.headers)).not.toContain('proxy-connection');
    // The client's head: the fields meant for the proxy are there.
    expect(names(exchange.request.clientHeaders)).toEqual(
      expect.arrayContaining(['host', 'proxy-authorization', 'user-agent', 'x-trace', 'proxy-connection']),
    );
    expect(exchange.request.clientHeaders?.find((h) => h.name === 'X-Trace')?.value).toBe('1');
  });

  it('has no client head when the proxy changed nothing', async () => {
    // A plain-HTTP tunnel: origin-form, Host left alone, the client's own Connection field last.
    const socket = net.connect(proxy.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const authority = `127.0.0.1:${origin.port}`;
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(`GET /same HTTP/1.1\r\nHost: ${authority}\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`);
    const exchange = await proxy.finished((e) => e.request.url === `${origin.url}/same`);
    socket.destroy();
    expect(pairs(exchange.request.headers)).toEqual(seen[0]!.rawHeaders);
    expect(exchange.request.clientHeaders).toBeUndefined();
  });

  it('an h2c upgrade (curl --http2) becomes the plain HTTP/1.1 request it is, body and all', async () => {
    const url = `${origin.url}/h2c`;
    const get = await curl(['-s', '--http2', '-x', proxy.url, url]);
    expect(get.code).toBe(0);
    expect(get.stdout).toBe('answer to GET');
    const upstream = seen[0]!.rawHeaders.map((h) => h.toLowerCase());
    // Neither the upgrade nor its settings reach the server, nor a Connection token naming them.
    expect(upstream).not.toContain('upgrade');
    expect(upstream).not.toContain('http2-settings');
    const connection = seen[0]!.rawHeaders[upstream.indexOf('connection') + 1] ?? '';
    expect(connection.toLowerCase()).not.toMatch(/upgrade|http2-settings/);
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.kind).toBe('http');
    expect(exchange.websocket).toBeUndefined();
    expect(exchange.state).toBe('complete');
    expect(exchange.request.httpVersion).toBe('HTTP/1.1');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.body.sizeBytes).toBe('answer to GET'.length);
    expect(pairs(exchange.request.headers)).toEqual(seen[0]!.rawHeaders);
    // The client's head as curl sent it, the upgrade included.
    expect(names(exchange.request.clientHeaders)).toEqual(
      expect.arrayContaining(['upgrade', 'http2-settings']),
    );
    expect(exchange.request.clientHeaders?.find((h) => h.name.toLowerCase() === 'upgrade')?.value).toBe(
      'h2c',
    );

    // With a body: Node stops parsing an upgrade request at its head; the body must still go on.
    const postUrl = `${origin.url}/h2c-post`;
    const post = await curl(['-s', '--http2', '-x', proxy.url, '--data-raw', 'payload=42', postUrl]);
    expect(post.stdout).toBe('answer to POST');
    expect(seen[1]!.body).toBe('payload=42');
    const posted = await proxy.finished((e) => e.request.url === postUrl);
    expect(posted.kind).toBe('http');
    expect(posted.request.body.sizeBytes).toBe('payload=42'.length);
    expect(posted.request.body.capturedBytes).toBe('payload=42'.length);
    const body = await proxy.engine.exchanges.body(posted.id, 'request');
    expect(Buffer.from(body!.base64, 'base64').toString()).toBe('payload=42');
  });

  it('keeps the connection usable after an h2c request (keep-alive)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string, headers: http.OutgoingHttpHeaders): Promise<string> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: proxy.port, path: `${origin.url}${path}`, agent, headers },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      expect(
        await get('/h2c-1', {
          Connection: 'Upgrade, HTTP2-Settings',
          Upgrade: 'h2c',
          'HTTP2-Settings': 'AAMAAABk',
        }),
      ).toBe('answer to GET');
      expect(await get('/h2c-2', {})).toBe('answer to GET');
      const second = await proxy.finished((e) => e.request.url === `${origin.url}/h2c-2`);
      // The second request's record is its own: no client head borrowed from the first.
      expect(second.request.clientHeaders?.some((h) => h.name.toLowerCase() === 'upgrade') ?? false).toBe(
        false,
      );
    } finally {
      agent.destroy();
    }
  });
});
