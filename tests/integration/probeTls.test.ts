/**
 * The TLS layer against servers with the test PKI's certificates (tests/fixtures/certificates.ts):
 * the chain is reported even when it is rejected, and each rejection names its reason.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '@engine/probes/probeRunner.js';
import { makeTestPki, type TestCertificate, type TestPki } from '@fixtures/certificates.js';
import { LOOPBACKS, startHttps, urlHost, type LoopbackHost, type Running } from './probeServers.js';
import type { TlsStep } from '@shared/probe.js';

let pki: TestPki;
const servers = new Map<string, Running>();

beforeAll(async () => {
  pki = makeTestPki();
  const certs: Record<string, TestCertificate> = {
    valid: pki.valid,
    expired: pki.expired,
    notYetValid: pki.notYetValid,
    selfSigned: pki.selfSigned,
    wrongHost: pki.wrongHost,
    unknownCa: pki.unknownCa,
  };
  for (const host of LOOPBACKS) {
    for (const [name, cert] of Object.entries(certs)) {
      servers.set(`${host}/${name}`, await startHttps(host, cert, (_req, res) => res.end('secure')));
    }
  }
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

function target(host: LoopbackHost, name: string): string {
  return `https://${urlHost(host)}:${servers.get(`${host}/${name}`)!.port}/`;
}

function tlsStep(steps: { kind: string }[]): TlsStep {
  const step = steps.find((s) => s.kind === 'tls');
  if (!step) throw new Error('no TLS step');
  return step as TlsStep;
}

describe.each(LOOPBACKS)('TLS probe on %s', (host) => {
  it('accepts a valid chain and reports protocol, cipher, ALPN and the chain', async () => {
    const report = await runProbe(
      { target: target(host, 'valid'), timeoutMs: 3000 },
      { ca: [pki.ca.certPem] },
    );
    expect(report.error).toBeUndefined();
    expect(report.status).toBe(200);
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp', 'tls', 'http']);
    const tls = tlsStep(report.steps);
    expect(tls).toMatchObject({ ok: true, valid: true, alpn: 'http/1.1', ocspStapled: false });
    expect(tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(tls.cipher).toBeTruthy();
    expect(tls.chain[0]!.subjectAltNames).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
    expect(tls.chain[0]!.daysLeft).toBeGreaterThan(80);
    expect(tls.chain.some((c) => c.subject.includes('NetLens Test Root CA'))).toBe(true);
    expect(report.timings.ssl).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['expired', 'expired'],
    ['notYetValid', 'not_yet_valid'],
    ['selfSigned', 'self_signed'],
    ['wrongHost', 'hostname_mismatch'],
    ['unknownCa', 'unknown_ca'],
  ])('rejects the %s certificate as %s, still showing the chain', async (name, problem) => {
    const report = await runProbe({ target: target(host, name), timeoutMs: 3000 }, { ca: [pki.ca.certPem] });
    expect(report.error).toMatchObject({ class: 'tls_cert_invalid', phase: 'tls', detail: problem });
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp', 'tls']);
    const tls = tlsStep(report.steps);
    expect(tls).toMatchObject({ ok: false, valid: false, problem });
    expect(tls.chain.length).toBeGreaterThan(0);
    expect(tls.nameMatches).toBe(problem !== 'hostname_mismatch');
    expect(report.error!.message).toContain(`${urlHost(host)}:`);
  });

  it('carries on past a rejected certificate with insecure, keeping the verdict', async () => {
    const report = await runProbe(
      { target: target(host, 'expired'), timeoutMs: 3000, insecure: true },
      { ca: [pki.ca.certPem] },
    );
    expect(report.error).toBeUndefined();
    expect(report.status).toBe(200);
    const tls = tlsStep(report.steps);
    expect(tls).toMatchObject({ ok: true, valid: false, problem: 'expired', insecure: true });
    expect(tls.chain[0]!.daysLeft).toBeLessThan(0);
  });

  it('stops at TLS for a tls:// target and offers h2 in ALPN', async () => {
    const report = await runProbe(
      { target: `tls://${urlHost(host)}:${servers.get(`${host}/valid`)!.port}`, timeoutMs: 3000 },
      { ca: [pki.ca.certPem] },
    );
    expect(report.error).toBeUndefined();
    expect(report.steps.map((s) => s.kind)).toEqual(['dns', 'tcp', 'tls']);
    expect(report.status).toBeUndefined();
  });
});

describe('TLS probe by name', () => {
  it('reports a name mismatch even when the chain is rejected for another reason', async () => {
    const port = servers.get('127.0.0.1/wrongHost')!.port;
    // Without the test CA the chain is from an unknown CA, and the name does not match either.
    const report = await runProbe({ target: `https://localhost:${port}/`, timeoutMs: 3000 });
    const tls = tlsStep(report.steps);
    expect(tls).toMatchObject({ problem: 'unknown_ca', nameMatches: false });
  });

  it('validates the certificate for localhost with SNI', async () => {
    const port = servers.get('127.0.0.1/valid')!.port;
    const report = await runProbe(
      { target: `https://localhost:${port}/`, timeoutMs: 3000 },
      { ca: [pki.ca.certPem] },
    );
    expect(report.error).toBeUndefined();
    expect(tlsStep(report.steps)).toMatchObject({ servername: 'localhost', valid: true });
  });

  it('reports a stapled OCSP response', async () => {
    const https = await import('node:https');
    const server = https.createServer({ cert: pki.valid.certPem, key: pki.valid.keyPem }, (_req, res) =>
      res.end('x'),
    );
    // The server staples whatever its OCSP responder gave it; the probe reports that one came.
    server.on(
      'OCSPRequest',
      (_cert: Buffer, _issuer: Buffer, callback: (err: Error | null, resp: Buffer) => void) =>
        callback(null, Buffer.from('stapled-ocsp-response')),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const report = await runProbe(
        { target: `https://localhost:${port}/`, timeoutMs: 3000 },
        { ca: [pki.ca.certPem] },
      );
      expect(tlsStep(report.steps)).toMatchObject({ ocspStapled: true, ocspResponseBytes: 21, valid: true });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a TLS handshake failure when the port does not speak TLS', async () => {
    const { startHttp } = await import('./probeServers.js');
    const plain = await startHttp('127.0.0.1', (_req, res) => res.end('plain'));
    try {
      const report = await runProbe({ target: `https://127.0.0.1:${plain.port}/`, timeoutMs: 3000 });
      expect(report.error).toMatchObject({ class: 'tls_handshake_failed', phase: 'tls' });
    } finally {
      await plain.close();
    }
  });
});
