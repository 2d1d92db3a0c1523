/**
 * Chromium over HTTP/2 through NetLens: Debian's Chromium, trusting the NetLens CA by its SPKI,
 * loads a page and its sub-resources from an HTTP/2-only origin on 127.0.0.1. Chromium speaks
 * h2 to NetLens (ALPN) and multiplexes the page's requests on one connection; NetLens speaks h2
 * to the origin on one pooled session. The HAR says `HTTP/2.0`, as Chrome's own HAR does.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@engine/system/browsers/browserLauncher.js';
import { chromiumInfo } from '@fixtures/browserExecutables.js';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { harSchemaErrors } from '@fixtures/har/harSchema.js';
import { startProxy, type TestProxy } from './proxyHarness.js';

const SCRIPTS = ['a', 'b', 'c', 'd'];
const PAGE = `<!doctype html><html><head><title>h2 page</title>${SCRIPTS.map(
  (name) => `<script src="/${name}.js"></script>`,
).join('')}</head><body>h2 page</body></html>`;

let pki: TestPki;
let origin: { server: http2.Http2SecureServer; port: number };
let proxy: TestProxy;

beforeAll(async () => {
  pki = makeTestPki();
  // No allowHTTP1: this origin speaks HTTP/2 only.
  const server = http2.createSecureServer({ cert: pki.valid.certPem, key: pki.valid.keyPem });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const path = String(headers[':path']);
    if (path === '/') {
      stream.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8' });
      stream.end(PAGE);
    } else if (path.endsWith('.js')) {
      stream.respond({ ':status': 200, 'content-type': 'text/javascript' });
      stream.end(`window.loaded = (window.loaded || 0) + 1; // ${path}`);
    } else {
      stream.respond({ ':status': 404 });
      stream.end();
    }
  });
  server.on('sessionError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = { server, port: (server.address() as net.AddressInfo).port };
  proxy = await startProxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => origin.server.close(() => resolve()));
});

describe('Chromium over HTTP/2', () => {
  it('loads an h2 page through NetLens: one h2 connection each side, streams recorded, HAR HTTP/2.0', async () => {
    const source = await proxy.engine.sources.open('chromium');
    const base = `https://127.0.0.1:${origin.port}`;
    const launched = await launchBrowser({
      browser: chromiumInfo(),
      proxy: { host: source.host, port: source.port },
      ca: { certPem: proxy.caPem, certPath: proxy.engine.caCertPath },
      url: `${base}/`,
      headless: true,
    });
    try {
      const page = await proxy.finished((e) => e.request.url === `${base}/`, 30_000);
      const scripts = await Promise.all(
        SCRIPTS.map((name) => proxy.finished((e) => e.request.url === `${base}/${name}.js`, 30_000)),
      );
      const all = [page, ...scripts];
      for (const exchange of all) {
        expect(exchange.state).toBe('complete');
        expect(exchange.source).toBe(source.source);
        expect(exchange.request.httpVersion).toBe('HTTP/2.0');
        expect(exchange.response?.httpVersion).toBe('HTTP/2.0');
        expect(exchange.connection.clientTls?.alpn).toBe('h2');
        expect(exchange.connection.tls?.alpn).toBe('h2');
        expect(exchange.http2?.clientStreamId).toBeGreaterThan(0);
        expect(exchange.http2?.upstreamStreamId).toBeGreaterThan(0);
      }
      // The sub-resources came as streams of the page's connection, on one upstream session.
      expect(new Set(all.map((e) => e.http2?.clientConnectionId)).size).toBe(1);
      expect(new Set(all.map((e) => e.http2?.clientStreamId)).size).toBe(all.length);
      expect(new Set(all.map((e) => e.connection.id)).size).toBe(1);
      expect(scripts.every((e) => e.connection.reused)).toBe(true);
      const body = await proxy.engine.exchanges.body(page.id, 'response');
      expect(Buffer.from(body!.base64, 'base64').toString('utf8')).toBe(PAGE);

      const har = await proxy.engine.exportHar({ ids: all.map((e) => e.id) });
      expect(harSchemaErrors(har)).toEqual([]);
      for (const entry of har.log.entries) {
        expect(entry.request.httpVersion).toBe('HTTP/2.0');
        expect(entry.response.httpVersion).toBe('HTTP/2.0');
        expect(entry._netlens?.http2?.clientStreamId).toBeGreaterThan(0);
        // Chrome's HAR lists the pseudo-headers among the request headers, as NetLens does.
        expect(entry.request.headers.map((h) => h.name)).toContain(':authority');
      }
    } finally {
      await launched.stop();
    }
  });
});
