/**
 * The probe against real sockets on 127.0.0.1 and ::1: every layer timed, and each failure
 * classified by the taxonomy with the layer it happened in.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from '@engine/probes/probeRunner.js';
import {
  LOOPBACKS,
  refusedPort,
  startBlackhole,
  startDnsServer,
  startHttp,
  urlHost,
  type Running,
} from './probeServers.js';

const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function track<T extends Running>(server: Promise<T>): Promise<T> {
  const s = await server;
  open.push(s);
  return s;
}

describe.each(LOOPBACKS)('probe on %s', (host) => {
  it('times every layer of a working HTTP server and lists the response', async () => {
    const server = await track(
      startHttp(host, (_req, res) => {
        res.setHeader('X-Test', 'yes');
        res.end('hello world');
      }),
    );
    const report = await runProbe({
      target: `http://${urlHost(host)}:${server.port}/path?q=1`,
      timeoutMs: 3000,
    });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.status).toBe(200);
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp', 'http']);
    const [dns, tcp, http] = report.steps;
    expect(dns).toMatchObject({
      kind: 'dns',
      literal: true,
      addresses: [{ address: host, flags: ['loopback'] }],
    });
    expect(tcp).toMatchObject({ kind: 'tcp', ok: true, connectedAddress: host });
    if (http?.kind !== 'http') throw new Error('no http step');
    expect(http.hops).toHaveLength(1);
    expect(http.hops[0]).toMatchObject({
      status: 200,
      sizeBytes: 11,
      url: `http://${urlHost(host)}:${server.port}/path?q=1`,
    });
    expect(http.hops[0]!.headers).toContainEqual({ name: 'X-Test', value: 'yes' });
    expect(report.timings.connect).toBeGreaterThanOrEqual(0);
    expect(report.timings.wait).toBeGreaterThanOrEqual(0);
    expect(report.timings.receive).toBeGreaterThanOrEqual(0);
    expect(report.attempts).toHaveLength(1);
  });

  it('reports connect_refused for a port nothing listens on', async () => {
    const port = await refusedPort(host);
    const report = await runProbe({ target: `${urlHost(host)}:${port}`, timeoutMs: 3000 });
    expect(report.ok).toBe(false);
    expect(report.error).toMatchObject({ class: 'connect_refused', phase: 'connect' });
    expect(report.error!.message).toContain(`${urlHost(host)}:${port}`);
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp']);
  });

  it('reports connect_timeout for a listener that never accepts', async () => {
    const blackhole = await track(startBlackhole(host));
    const report = await runProbe({ target: `http://${urlHost(host)}:${blackhole.port}/`, timeoutMs: 400 });
    expect(report.error).toMatchObject({ class: 'connect_timeout', phase: 'connect' });
    expect(report.error!.message).toContain('400 ms');
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp']);
  });

  it('reports response_timeout for a server that never sends headers', async () => {
    const server = await track(startHttp(host, () => undefined));
    const report = await runProbe({ target: `http://${urlHost(host)}:${server.port}/`, timeoutMs: 300 });
    expect(report.error).toMatchObject({ class: 'response_timeout', phase: 'wait' });
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp', 'http']);
  });

  it('reports a body cut by a reset as a receive-phase failure, keeping the bytes received', async () => {
    const server = await track(
      startHttp(host, (_req, res) => {
        res.writeHead(200, { 'Content-Length': '100000' });
        res.write('x'.repeat(1000), () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
      }),
    );
    const report = await runProbe({ target: `http://${urlHost(host)}:${server.port}/`, timeoutMs: 3000 });
    expect(report.ok).toBe(false);
    expect(report.error).toMatchObject({ class: 'connection_reset', phase: 'receive' });
    const http = report.steps.find((s) => s.kind === 'http');
    if (http?.kind !== 'http') throw new Error('no http step');
    expect(http.hops[0]?.status).toBe(200);
    expect(http.hops[0]?.sizeBytes).toBe(1000);
  });

  it('reports incomplete_response when the server closes before the declared length', async () => {
    const server = await track(
      startHttp(host, (_req, res) => {
        res.writeHead(200, { 'Content-Length': '5000' });
        res.write('x'.repeat(700), () => setTimeout(() => res.socket?.destroy(), 20));
      }),
    );
    const report = await runProbe({ target: `http://${urlHost(host)}:${server.port}/`, timeoutMs: 3000 });
    expect(report.error).toMatchObject({ class: 'incomplete_response', phase: 'receive' });
    const http = report.steps.find((s) => s.kind === 'http');
    if (http?.kind !== 'http') throw new Error('no http step');
    expect(http.hops[0]?.sizeBytes).toBe(700);
  });

  it('reports body_timeout for a body that stalls', async () => {
    const server = await track(
      startHttp(host, (_req, res) => {
        res.writeHead(200, { 'Content-Length': '10' });
        res.write('12345');
      }),
    );
    const report = await runProbe({ target: `http://${urlHost(host)}:${server.port}/`, timeoutMs: 300 });
    expect(report.error).toMatchObject({ class: 'body_timeout', phase: 'receive' });
  });

  it('reports protocol_error for a server that does not speak HTTP', async () => {
    const net = await import('node:net');
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.resume(); // read (and drop) the request, so the peer's close is seen
      socket.end('SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    open.push({ port: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const port = (server.address() as AddressInfo).port;
    const report = await runProbe({ target: `http://${urlHost(host)}:${port}/`, timeoutMs: 3000 });
    expect(report.error).toMatchObject({ class: 'protocol_error' });
    expect(report.error!.message).toContain('malformed HTTP response');
  });

  it('follows redirects, listing each hop, and stops when told not to', async () => {
    const server = await track(
      startHttp(host, (req, res) => {
        if (req.url === '/a') res.writeHead(301, { Location: '/b' }).end();
        else if (req.url === '/b') res.writeHead(302, { Location: '/c' }).end();
        else res.end('done');
      }),
    );
    const base = `http://${urlHost(host)}:${server.port}`;
    const followed = await runProbe({ target: `${base}/a`, timeoutMs: 3000 });
    const http = followed.steps.find((s) => s.kind === 'http');
    if (http?.kind !== 'http') throw new Error('no http step');
    expect(http.hops.map((h) => [h.status, new URL(h.url).pathname])).toEqual([
      [301, '/a'],
      [302, '/b'],
      [200, '/c'],
    ]);
    expect(followed.status).toBe(200);

    const notFollowed = await runProbe({ target: `${base}/a`, timeoutMs: 3000, followRedirects: false });
    const single = notFollowed.steps.find((s) => s.kind === 'http');
    if (single?.kind !== 'http') throw new Error('no http step');
    expect(single.hops).toHaveLength(1);
    expect(notFollowed.status).toBe(301);
    expect(single.redirectNotFollowed).toContain(`${base}/b`);

    const limited = await runProbe({ target: `${base}/a`, timeoutMs: 3000, maxRedirects: 1 });
    const cut = limited.steps.find((s) => s.kind === 'http');
    if (cut?.kind !== 'http') throw new Error('no http step');
    expect(cut.hops).toHaveLength(2);
    expect(cut.redirectNotFollowed).toContain('limit of 1');
  });
});

describe('probe DNS', () => {
  it('reports dns_not_found for a .invalid name and goes no further', async () => {
    const report = await runProbe({ target: 'https://no-such-host.invalid/', timeoutMs: 5000 });
    expect(report.error?.class).toMatch(/^dns_(not_found|timeout)$/);
    expect(report.error?.phase).toBe('dns');
    expect(report.steps.map((s) => s.kind)).toEqual(['dns']);
    expect(report.error?.message).toContain('no-such-host.invalid');
  });

  it('resolves localhost with the system resolver and flags loopback addresses', async () => {
    const server = await track(startHttp('127.0.0.1', (_req, res) => res.end('ok')));
    const report = await runProbe({
      target: `http://localhost:${server.port}/`,
      timeoutMs: 3000,
      allAddresses: true,
    });
    const dns = report.steps[0];
    if (dns?.kind !== 'dns') throw new Error('no dns step');
    expect(dns.resolver).toBe('system');
    expect(dns.addresses.map((a) => a.address)).toContain('127.0.0.1');
    for (const a of dns.addresses) expect(a.flags).toEqual(['loopback']);
    const tcp = report.steps[1];
    if (tcp?.kind !== 'tcp') throw new Error('no tcp step');
    // every address was tried; 127.0.0.1 answered
    expect(tcp.attempts.map((a) => a.address).sort()).toEqual(dns.addresses.map((a) => a.address).sort());
    expect(tcp.attempts.find((a) => a.address === '127.0.0.1')?.ok).toBe(true);
    expect(report.status).toBe(200);
  });

  it('asks a named resolver: every A/AAAA address and the CNAME chain', async () => {
    // Loopback answers only: the probe goes on to connect to what the name resolves to.
    const dns = await track(
      startDnsServer({
        cname: { 'www.shop.invalid': 'edge.shop.invalid', 'edge.shop.invalid': 'lb.shop.invalid' },
        a: { 'lb.shop.invalid': ['127.0.0.1'] },
        aaaa: { 'lb.shop.invalid': ['::1'] },
      }),
    );
    const server = await track(startHttp('127.0.0.1', (_req, res) => res.end('ok')));
    const report = await runProbe({
      target: `http://www.shop.invalid:${server.port}/`,
      timeoutMs: 2000,
      resolver: `127.0.0.1:${dns.port}`,
    });
    const step = report.steps[0];
    if (step?.kind !== 'dns') throw new Error('no dns step');
    expect(step).toMatchObject({ ok: true, resolver: `127.0.0.1:${dns.port}`, literal: false });
    expect(step.cnameChain).toEqual(['www.shop.invalid', 'edge.shop.invalid', 'lb.shop.invalid']);
    expect(step.addresses).toEqual([
      { address: '::1', family: 6, flags: ['loopback'] },
      { address: '127.0.0.1', family: 4, flags: ['loopback'] },
    ]);
    // happy eyeballs: ::1 first (nothing listens there on this port), then 127.0.0.1
    const tcp = report.steps[1];
    if (tcp?.kind !== 'tcp') throw new Error('no tcp step');
    expect(tcp.attempts.map((a) => [a.address, a.ok])).toEqual([
      ['::1', false],
      ['127.0.0.1', true],
    ]);
    expect(tcp.attempts[0]!.error?.class).toBe('connect_refused');
    expect(report.status).toBe(200);
  });

  it('races addresses as happy eyeballs does: a silent ::1 does not hold up 127.0.0.1', async () => {
    const server = await track(startHttp('127.0.0.1', (_req, res) => res.end('ok')));
    // The same port on ::1 never answers (a full accept queue drops the SYN).
    const blackhole = await track(startBlackhole('::1', server.port));
    const dns = await track(
      startDnsServer({ a: { 'dual.invalid': ['127.0.0.1'] }, aaaa: { 'dual.invalid': ['::1'] } }),
    );
    const report = await runProbe({
      target: `http://dual.invalid:${blackhole.port}/`,
      timeoutMs: 10_000,
      resolver: `127.0.0.1:${dns.port}`,
    });
    expect(report.error).toBeUndefined();
    expect(report.status).toBe(200);
    const tcp = report.steps[1];
    if (tcp?.kind !== 'tcp') throw new Error('no tcp step');
    expect(tcp.connectedAddress).toBe('127.0.0.1');
    expect(tcp.attempts.map((a) => [a.address, a.ok, a.cancelled ?? false])).toEqual([
      ['::1', false, true],
      ['127.0.0.1', true, false],
    ]);
    // the second attempt started after the Connection Attempt Delay, not after the timeout
    expect(tcp.attempts[1]!.startOffsetMs).toBeGreaterThanOrEqual(240);
    expect(tcp.attempts[0]!.error).toBeUndefined();
  });

  it('reports dns_not_found when the named resolver says NXDOMAIN', async () => {
    const dns = await track(startDnsServer({ a: { 'known.invalid': ['127.0.0.1'] } }));
    const report = await runProbe({
      target: 'http://unknown.invalid/',
      timeoutMs: 2000,
      resolver: `127.0.0.1:${dns.port}`,
    });
    expect(report.error).toMatchObject({ class: 'dns_not_found', phase: 'dns' });
  });

  it('asks a named resolver and reports dns_timeout when it never answers', async () => {
    // A UDP "DNS server" on loopback that reads queries and never answers.
    const dgram = await import('node:dgram');
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    try {
      const report = await runProbe({
        target: 'http://example.invalid/',
        timeoutMs: 300,
        resolver: `127.0.0.1:${silent.address().port}`,
      });
      const dns = report.steps[0];
      if (dns?.kind !== 'dns') throw new Error('no dns step');
      expect(dns.resolver).toBe(`127.0.0.1:${silent.address().port}`);
      expect(report.error).toMatchObject({ class: 'dns_timeout', phase: 'dns' });
    } finally {
      silent.close();
    }
  });
});
