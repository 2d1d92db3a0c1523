import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import { connectTunnel, curl, httpsOrigin, startProxy, type Origin, type TestProxy } from './proxyHarness.js';

describe('HTTP/2', () => {
  let pki: TestPki;
  let proxy: TestProxy;
  let h1: Origin;
  let h2: { port: number; server: http2.Http2SecureServer };

  beforeAll(async () => {
    pki = makeTestPki();
    proxy = await startProxy({ connectTimeoutMs: 2000, responseTimeoutMs: 2000 }, { extraUpstreamCaCerts: [pki.ca.certPem] });
    h1 = await httpsOrigin(pki.valid, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`h1 ${req.httpVersion} ${req.url}`);
    });
    const server = http2.createSecureServer({ cert: pki.valid.certPem, key: pki.valid.keyPem });
    server.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(`h2 ${headers[':path']}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    h2 = { server, port: (server.address() as net.AddressInfo).port };
  });

  afterAll(async () => {
    await h1.close();
    h2.server.close();
    await proxy.close();
  });

  it('curl --http2 to an h1 origin', async () => {
    const url = `https://localhost:${h1.port}/a`;
    const r = await curl(['-sv', '--http2', '-x', proxy.url, '--cacert', proxy.engine.caCertPath, url]);
    console.log(r.stderr.split('\n').filter((l) => /ALPN|HTTP\/2|using/.test(l)).join('\n'));
    expect(r.stdout).toBe('h1 1.1 /a');
    const x = await proxy.finished((e) => e.request.url === url);
    console.log(JSON.stringify(x, null, 1));
  });

  it('curl --http2 to an h2 origin', async () => {
    const url = `https://localhost:${h2.port}/b`;
    const r = await curl(['-sv', '--http2', '-x', proxy.url, '--cacert', proxy.engine.caCertPath, url]);
    expect(r.stdout).toBe('h2 /b');
    const x = await proxy.finished((e) => e.request.url === url);
    console.log(JSON.stringify(x, null, 1));
  });
});
