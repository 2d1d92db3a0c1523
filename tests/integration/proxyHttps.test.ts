import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '@fixtures/certificates.js';
import {
  connectTunnel,
  curl,
  httpOrigin,
  httpsOrigin,
  httpsViaProxy,
  startProxy,
  type Origin,
  type TestProxy,
} from './proxyHarness.js';

describe('HTTPS: interception, pass-through, pinning, upstream certificates, WebSocket', () => {
  let pki: TestPki;
  let proxy: TestProxy;
  let origin: Origin;

  beforeAll(async () => {
    pki = makeTestPki();
    proxy = await startProxy(
      { passThroughHosts: ['127.0.0.1'], connectTimeoutMs: 2000, responseTimeoutMs: 2000 },
      { extraUpstreamCaCerts: [pki.ca.certPem] },
    );
    origin = await httpsOrigin(pki.valid, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Origin': 'tls' });
      res.end(`secure ${req.url}`);
    });
  });

  afterAll(async () => {
    await origin.close();
    await proxy.close();
  });

  it('intercepts HTTPS with a leaf from the NetLens CA that curl trusts with --cacert', async () => {
    const url = `https://localhost:${origin.port}/curl`;
    const result = await curl(['-s', '-x', proxy.url, '--cacert', proxy.engine.caCertPath, url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('secure /curl');
    const exchange = await proxy.finished((e) => e.request.url === url);
    expect(exchange.kind).toBe('http');
    expect(exchange.response?.status).toBe(200);
    expect(exchange.connection.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(exchange.connection.tls?.cipher).toBeTruthy();
    expect(exchange.connection.tls?.alpn).toBe('http/1.1');
    expect(exchange.connection.tls?.certificate?.subjectAltNames.join(',')).toContain('localhost');
    expect(exchange.connection.clientTls?.servername).toBe('localhost');
    expect(exchange.connection.clientTls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(exchange.timings.ssl).toBeGreaterThanOrEqual(0);
    expect(exchange.timings.connect).toBeGreaterThanOrEqual(0);
  });

  it('intercepts for a Node client trusting the CA, and reuses the upstream TLS connection', async () => {
    const first = await httpsViaProxy(proxy, 'localhost', origin.port, '/node-1', proxy.caPem);
    first.socket.destroy();
    const second = await httpsViaProxy(proxy, 'localhost', origin.port, '/node-2', proxy.caPem);
    second.socket.destroy();
    expect(first.body.toString()).toBe('secure /node-1');
    expect(second.body.toString()).toBe('secure /node-2');
    const peer = (await httpsViaProxy(proxy, 'localhost', origin.port, '/node-3', proxy.caPem)).socket;
    const issuer = peer.getPeerCertificate().issuer;
    peer.destroy();
    expect(JSON.stringify(issuer)).toContain('NetLens');
    const a = await proxy.finished((e) => e.request.url.endsWith('/node-1'));
    const b = await proxy.finished((e) => e.request.url.endsWith('/node-2'));
    expect(b.connection.id).toBe(a.connection.id);
    expect(b.connection.reused).toBe(true);
    expect(b.timings.ssl).toBeUndefined();
    expect(b.connection.tls?.protocol).toBe(a.connection.tls?.protocol);
  });

  it('tunnels a pass-through host untouched and records bytes each way', async () => {
    const url = `https://127.0.0.1:${origin.port}/passthrough`;
    // The origin's own certificate reaches the client: trust the test CA, not NetLens.
    const ok = await curl(['-s', '-x', proxy.url, '--cacert', caFile(pki), url]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('secure /passthrough');
    const tunnel = await proxy.finished(
      (e) => e.kind === 'tunnel' && e.request.url === `https://127.0.0.1:${origin.port}`,
    );
    expect(tunnel.tunnel?.reason).toBe('pass_through_host');
    expect(tunnel.tunnel?.bytesFromClient).toBeGreaterThan(100);
    expect(tunnel.tunnel?.bytesFromServer).toBeGreaterThan(100);
    expect(tunnel.durationMs).toBeGreaterThan(0);
    expect(tunnel.state).toBe('complete');
  });

  it('remembers a host whose client rejected the NetLens certificate and tunnels it next time', async () => {
    const host = `localhost`;
    const pinnedProxy = await startProxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
    try {
      // curl without --cacert does not trust the NetLens CA: it aborts the handshake (unknown_ca).
      const rejected = await curl(['-s', '-x', pinnedProxy.url, `https://${host}:${origin.port}/pinned`]);
      expect(rejected.code).not.toBe(0);
      const failed = await pinnedProxy.finished(
        (e) => e.request.method === 'CONNECT' && e.state === 'failed',
      );
      expect(failed.error?.class).toBe('tls_handshake_failed');
      expect(failed.error?.message).toContain('rejected the NetLens certificate');
      // Next time the client gets the origin's own certificate (here trusted via the test CA).
      const tunnelled = await curl([
        '-s',
        '-x',
        pinnedProxy.url,
        '--cacert',
        caFile(pki),
        `https://${host}:${origin.port}/pinned`,
      ]);
      expect(tunnelled.code).toBe(0);
      expect(tunnelled.stdout).toBe('secure /pinned');
      const tunnel = await pinnedProxy.finished((e) => e.kind === 'tunnel');
      expect(tunnel.tunnel?.reason).toBe('client_rejected_certificate');
    } finally {
      await pinnedProxy.close();
    }
  });

  it('keeps intercepting a host after one hang-up without an alert (a dropped preconnect); a second in a row tunnels it', async () => {
    const hangUpProxy = await startProxy({}, { extraUpstreamCaCerts: [pki.ca.certPem] });
    const authority = `localhost:${origin.port}`;
    try {
      const clientHello = await recordClientHello('localhost');
      // What Chromium does with a preconnect it no longer needs: ClientHello, our answer, hang-up.
      const hangUp = async (): Promise<void> => {
        const { socket } = await connectTunnel(hangUpProxy, authority);
        socket.write(clientHello);
        await new Promise((resolve) => socket.once('data', resolve));
        socket.end();
      };
      await hangUp();
      const first = await hangUpProxy.finished((e) => e.request.method === 'CONNECT' && e.state === 'failed');
      expect(first.error?.detail).toBe('closed after ServerHello');
      expect(first.error?.message).toContain('If it happens again');
      // The real request right after is intercepted, and its handshake clears the hang-up.
      const intercepted = await httpsViaProxy(
        hangUpProxy,
        'localhost',
        origin.port,
        '/after-hang-up',
        hangUpProxy.caPem,
      );
      intercepted.socket.destroy();
      const afterOne = await hangUpProxy.finished((e) => e.request.url.endsWith('/after-hang-up'));
      expect(afterOne.kind).toBe('http');
      expect(afterOne.response?.status).toBe(200);
      // Two hang-ups in a row with no handshake between: the client does not trust the certificate.
      await hangUp();
      await hangUp();
      const pinned = await hangUpProxy.finished(
        (e) => e.state === 'failed' && (e.error?.message ?? '').includes('hung up again'),
      );
      expect(pinned.error?.message).toContain('is tunnelled without interception');
      const tunnelled = await curl([
        '-s',
        '-x',
        hangUpProxy.url,
        '--cacert',
        caFile(pki),
        `https://${authority}/pinned`,
      ]);
      expect(tunnelled.stdout).toBe('secure /pinned');
      const tunnel = await hangUpProxy.finished((e) => e.kind === 'tunnel');
      expect(tunnel.tunnel?.reason).toBe('client_rejected_certificate');
    } finally {
      await hangUpProxy.close();
    }
  });

  for (const [name, detail] of [
    ['expired', 'expired'],
    ['selfSigned', 'self_signed'],
    ['wrongHost', 'hostname_mismatch'],
  ] as const) {
    it(`answers 502 tls_cert_invalid (${detail}) for an upstream with a ${name} certificate`, async () => {
      const bad = await httpsOrigin(pki[name], (_req, res) => res.end('should not be seen'));
      try {
        const url = `https://localhost:${bad.port}/bad-cert`;
        const result = await curl(['-s', '-i', '-x', proxy.url, '--cacert', proxy.engine.caCertPath, url]);
        expect(result.code).toBe(0);
        // curl -i prints the CONNECT answer first, then the answer inside the tunnel.
        expect(result.stdout).toMatch(
          /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 502 Bad Gateway/,
        );
        expect(result.stdout).toMatch(/x-netlens-error: tls_cert_invalid/i);
        const exchange = await proxy.finished((e) => e.request.url === url);
        expect(exchange.error?.class).toBe('tls_cert_invalid');
        expect(exchange.error?.detail).toBe(detail);
        expect(exchange.error?.phase).toBe('tls');
        expect(exchange.error?.message).toContain(`localhost:${bad.port}`);
      } finally {
        await bad.close();
      }
    });
  }

  it('skips verification for hosts on the insecure list', async () => {
    const bad = await httpsOrigin(pki.selfSigned, (_req, res) => res.end('insecure ok'));
    const insecure = await startProxy({ insecureHosts: ['localhost'] });
    try {
      const url = `https://localhost:${bad.port}/`;
      const result = await curl(['-s', '-x', insecure.url, '--cacert', insecure.engine.caCertPath, url]);
      expect(result.stdout).toBe('insecure ok');
      const exchange = await insecure.finished((e) => e.request.url === url);
      expect(exchange.connection.tls?.verificationDisabled).toBe(true);
    } finally {
      await insecure.close();
      await bad.close();
    }
  });

  it('parses plain HTTP sent inside a CONNECT tunnel, and tunnels bytes that are neither TLS nor HTTP', async () => {
    const plain = await httpOrigin((req, res) => res.end(`plain ${req.url}`));
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoPort = (echo.address() as net.AddressInfo).port;
    const other = await startProxy();
    try {
      const { socket } = await connectTunnel(other, `localhost:${plain.port}`);
      const text = await new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (c: Buffer) => {
          data += c.toString();
          if (data.includes('plain /inside')) resolve(data);
        });
        socket.write(`GET /inside HTTP/1.1\r\nHost: localhost:${plain.port}\r\n\r\n`);
      });
      socket.destroy();
      expect(text).toMatch(/^HTTP\/1\.1 200/);
      const inside = await other.finished((e) => e.request.url === `http://localhost:${plain.port}/inside`);
      expect(inside.response?.status).toBe(200);

      const raw = await connectTunnel(other, `localhost:${echoPort}`);
      const echoed = await new Promise<string>((resolve) => {
        raw.socket.on('data', (c: Buffer) => resolve(c.toString('hex')));
        raw.socket.write(Buffer.from([0x00, 0x01, 0x02, 0xff]));
      });
      raw.socket.end();
      expect(echoed).toBe('000102ff');
      const tunnel = await other.finished((e) => e.kind === 'tunnel');
      expect(tunnel.tunnel?.reason).toBe('not_tls');
      expect(tunnel.tunnel?.bytesFromClient).toBe(4);
      expect(tunnel.tunnel?.bytesFromServer).toBe(4);
    } finally {
      await other.close();
      await plain.close();
      await new Promise((r) => echo.close(r));
    }
  });

  it('passes WebSocket upgrades through (ws and wss) and records the handshake and message counts', async () => {
    const wsOrigin = await httpOrigin((_req, res) => res.end());
    const wssOrigin = await httpsOrigin(pki.valid, (_req, res) => res.end());
    const servers = [
      new WebSocketServer({ server: wsOrigin.server }),
      new WebSocketServer({ server: wssOrigin.server }),
    ];
    for (const server of servers) {
      server.on('connection', (socket) =>
        socket.on('message', (data) => socket.send(`echo:${String(data)}`)),
      );
    }
    try {
      for (const [scheme, port] of [
        ['ws', wsOrigin.port],
        ['wss', wssOrigin.port],
      ] as const) {
        const { socket } = await connectTunnel(proxy, `localhost:${port}`);
        const transport =
          scheme === 'wss' ? tls.connect({ socket, servername: 'localhost', ca: proxy.caPem }) : socket;
        const client = new WebSocket(`${scheme}://localhost:${port}/chat`, {
          createConnection: () => transport,
        } as never);
        const replies: string[] = [];
        await new Promise<void>((resolve, reject) => {
          client.on('error', reject);
          client.on('open', () => {
            client.send('one');
            client.send('two');
          });
          client.on('message', (data) => {
            replies.push(String(data));
            if (replies.length === 2) client.close();
          });
          client.on('close', () => resolve());
        });
        expect(replies).toEqual(['echo:one', 'echo:two']);
        const exchange = await proxy.finished(
          (e) =>
            e.kind === 'websocket' &&
            e.request.url === `${scheme === 'ws' ? 'http' : 'https'}://localhost:${port}/chat`,
        );
        expect(exchange.response?.status).toBe(101);
        expect(exchange.websocket?.messagesFromClient).toBe(2);
        expect(exchange.websocket?.messagesFromServer).toBe(2);
        expect(exchange.websocket?.bytesFromClient).toBeGreaterThan(0);
      }
    } finally {
      for (const server of servers) server.close();
      await wsOrigin.close();
      await wssOrigin.close();
    }
  });

  it('answers a pass-through CONNECT to an unresolvable host with 502 and the class', async () => {
    const tunnelProxy = await startProxy({ passThroughHosts: ['*.invalid'] });
    try {
      const result = await connectTunnel(tunnelProxy, 'no-such-host.invalid:443');
      result.socket.destroy();
      expect(result.status).toBe(502);
      expect(result.head).toContain('no-such-host.invalid');
      const exchange = await tunnelProxy.finished((e) => e.kind === 'tunnel');
      expect(exchange.state).toBe('failed');
      expect(exchange.error?.class).toBe('dns_not_found');
      expect(exchange.tunnel?.reason).toBe('pass_through_host');
    } finally {
      await tunnelProxy.close();
    }
  });

  it('relays an upgrade the server declines (absolute-form, no CONNECT) as a plain response', async () => {
    const refusing = await httpOrigin((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('no websockets here');
    });
    try {
      const url = `http://127.0.0.1:${refusing.port}/ws`;
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect(proxy.port, '127.0.0.1', () =>
          socket.write(
            `GET ${url} HTTP/1.1\r\nHost: 127.0.0.1:${refusing.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
              'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          ),
        );
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', () => undefined);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 403/);
      expect(answer).toContain('no websockets here');
      const exchange = await proxy.finished((e) => e.request.url === url);
      expect(exchange.kind).toBe('websocket');
      expect(exchange.response?.status).toBe(403);
      expect(exchange.state).toBe('complete');
    } finally {
      await refusing.close();
    }
  });

  it('survives garbage and failed client handshakes on CONNECT tunnels while a good request runs', async () => {
    const { socket } = await connectTunnel(proxy, `localhost:${origin.port}`);
    socket.on('error', () => undefined);
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00]));
    const good = await curl([
      '-s',
      '-x',
      proxy.url,
      '--cacert',
      proxy.engine.caCertPath,
      `https://localhost:${origin.port}/still-fine`,
    ]);
    expect(good.stdout).toBe('secure /still-fine');
    socket.destroy();
  });
});

let caPath: string | undefined;
function caFile(pki: TestPki): string {
  if (caPath) return caPath;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-test-ca-'));
  caPath = path.join(dir, 'ca.pem');
  fs.writeFileSync(caPath, pki.ca.certPem);
  return caPath;
}

/** The bytes of a TLS ClientHello for `servername`, as Node's client writes it. */
async function recordClientHello(servername: string): Promise<Buffer> {
  const recorder = net.createServer();
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  try {
    const hello = new Promise<Buffer>((resolve) =>
      recorder.once('connection', (socket) =>
        socket.once('data', (chunk: Buffer) => {
          resolve(chunk);
          socket.destroy();
        }),
      ),
    );
    const client = tls.connect({
      host: '127.0.0.1',
      port: (recorder.address() as net.AddressInfo).port,
      servername,
    });
    client.on('error', () => undefined);
    const chunk = await hello;
    client.destroy();
    return chunk;
  } finally {
    recorder.close();
  }
}
