import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCA, type CertificateAuthority } from '@engine/tls/certificateAuthority.js';
import { LeafCertCache, normaliseHost } from '@engine/tls/leafCertCache.js';

const DAY_MS = 24 * 3600 * 1000;
let dataDir: string;
let ca: CertificateAuthority;
let caCert: X509Certificate;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-leaf-test-'));
  ca = await loadOrCreateCA(dataDir);
  caCert = new X509Certificate(ca.certPem);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('LeafCertCache', () => {
  it('mints a leaf for a host name, signed by the CA, with a DNS SAN', () => {
    const leaf = new LeafCertCache(ca).get('api.example.com');
    const x509 = new X509Certificate(leaf.certPem);
    expect(x509.verify(caCert.publicKey)).toBe(true);
    expect(x509.checkIssued(caCert)).toBe(true);
    expect(x509.issuer).toBe(caCert.subject);
    expect(x509.ca).toBe(false);
    expect(x509.subjectAltName).toBe('DNS:api.example.com');
    expect(x509.checkHost('api.example.com')).toBe('api.example.com');
    expect(x509.checkHost('other.example.com')).toBeUndefined();
    expect(x509.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
  });

  it('serves the chain: the leaf, then the NetLens CA (a client trusting only the CA can build the path)', async () => {
    const leaf = new LeafCertCache(ca).get('chain.example.com');
    // As the proxy does: the minted context answers the client's SNI.
    const server = tls.createServer(
      { SNICallback: (_name, done) => done(null, leaf.secureContext) },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      // Trusting the CA alone (no system roots) verifies only if the server sends what chains to it.
      const peer = await new Promise<tls.DetailedPeerCertificate>((resolve, reject) => {
        const socket = tls.connect(
          { host: '127.0.0.1', port, servername: 'chain.example.com', ca: [ca.certPem] },
          () => {
            resolve(socket.getPeerCertificate(true));
            socket.destroy();
          },
        );
        socket.once('error', reject);
      });
      expect(peer.subject.CN).toBe('chain.example.com');
      // The chain as sent: the leaf's issuer is the CA itself (fingerprints match).
      expect(peer.issuerCertificate.fingerprint256).toBe(caCert.fingerprint256);
      const sent = await new Promise<number>((resolve, reject) => {
        const socket = tls.connect(
          { host: '127.0.0.1', port, servername: 'chain.example.com', rejectUnauthorized: false },
          () => {
            // OpenSSL's peer chain (SSL_get_peer_cert_chain) as Node exposes it: count distinct links.
            let count = 0;
            const seen = new Set<string>();
            for (
              let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
              c && !seen.has(c.fingerprint256);
              c = c.issuerCertificate
            ) {
              seen.add(c.fingerprint256);
              count += 1;
            }
            resolve(count);
            socket.destroy();
          },
        );
        socket.once('error', reject);
      });
      expect(sent).toBe(2);
    } finally {
      server.close();
    }
  });

  it('puts IPv4 and IPv6 literals in IP SANs', () => {
    const cache = new LeafCertCache(ca);
    const v4 = new X509Certificate(cache.get('127.0.0.1').certPem);
    expect(v4.subjectAltName).toBe('IP Address:127.0.0.1');
    expect(v4.checkIP('127.0.0.1')).toBe('127.0.0.1');
    const v6 = new X509Certificate(cache.get('[::1]').certPem);
    expect(v6.subjectAltName).toMatch(/^IP Address:(::1|0:0:0:0:0:0:0:1)$/);
    expect(v6.checkIP('::1')).toBe('::1');
    // Bracketed and bare IPv6 are the same host.
    expect(cache.get('::1')).toBe(cache.get('[::1]'));
  });

  it('is valid for at most 397 days, starts in the past and carries the serverAuth EKU', () => {
    const before = Date.now();
    const x509 = new X509Certificate(new LeafCertCache(ca).get('example.org').certPem);
    const from = Date.parse(x509.validFrom);
    const to = Date.parse(x509.validTo);
    expect(from).toBeLessThan(before - 60 * 60 * 1000);
    expect(to - from).toBeLessThanOrEqual(397 * DAY_MS);
    expect(to).toBeGreaterThan(before + 300 * DAY_MS);
    expect(x509.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
  });

  it('caches per host and shares one key pair across hosts', () => {
    const cache = new LeafCertCache(ca);
    const a = cache.get('a.example.com');
    expect(cache.get('A.Example.com.')).toBe(a);
    const b = cache.get('b.example.com');
    expect(b).not.toBe(a);
    expect(b.keyPem).toBe(a.keyPem);
    expect(b.serialNumberHex).not.toBe(a.serialNumberHex);
    expect(cache.size).toBe(2);
  });

  it('gives every leaf a unique serial, even for the same host in two caches', () => {
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) serials.add(new LeafCertCache(ca).get('same.example.com').serialNumberHex);
    expect(serials.size).toBe(20);
  });

  it('evicts the least recently used host beyond maxEntries', () => {
    const cache = new LeafCertCache(ca, { maxEntries: 2 });
    const a = cache.get('a.test');
    const b = cache.get('b.test');
    expect(cache.get('a.test')).toBe(a); // a is now the most recently used
    cache.get('c.test');
    expect(cache.size).toBe(2);
    expect(cache.get('a.test')).toBe(a);
    expect(cache.get('b.test')).not.toBe(b);
  });

  it('mints again when a cached leaf nears its expiry', () => {
    let now = Date.now();
    const cache = new LeafCertCache(ca, { nowMs: () => now });
    const first = cache.get('renew.example.com');
    now = first.notAfterMs - DAY_MS;
    const renewed = cache.get('renew.example.com');
    expect(renewed).not.toBe(first);
    expect(renewed.notAfterMs).toBeGreaterThan(first.notAfterMs);
  });

  it('never outlives the CA', () => {
    const now = ca.validToMs - 10 * DAY_MS;
    const leaf = new LeafCertCache(ca, { nowMs: () => now }).get('late.example.com');
    expect(leaf.notAfterMs).toBeLessThanOrEqual(ca.validToMs);
    expect(Date.parse(new X509Certificate(leaf.certPem).validTo)).toBeLessThanOrEqual(ca.validToMs);
  });

  it('can use an RSA leaf key', () => {
    const leaf = new LeafCertCache(ca, { keyType: 'rsa' }).get('rsa.example.com');
    expect(createPrivateKey(leaf.keyPem).asymmetricKeyType).toBe('rsa');
    expect(new X509Certificate(leaf.certPem).verify(caCert.publicKey)).toBe(true);
  });

  it('uses an EC P-256 leaf key by default', () => {
    const key = createPrivateKey(new LeafCertCache(ca).keyPem);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('leaves out a common name longer than 64 characters but keeps the SAN', () => {
    const host = `${'a'.repeat(60)}.example.com`;
    const x509 = new X509Certificate(new LeafCertCache(ca).get(host).certPem);
    expect(x509.subject).not.toContain('CN=');
    expect(x509.checkHost(host)).toBe(host);
  });
});

describe('normaliseHost', () => {
  it('lower-cases, drops a trailing dot and IPv6 brackets, and converts IDNs to punycode', () => {
    expect(normaliseHost('WWW.Example.COM.')).toBe('www.example.com');
    expect(normaliseHost('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normaliseHost('bücher.example')).toBe('xn--bcher-kva.example');
    expect(normaliseHost('under_score.internal')).toBe('under_score.internal');
  });

  it('rejects something that is not a host name', () => {
    expect(() => normaliseHost('')).toThrow('not a valid host name');
    expect(() => normaliseHost('bad host')).toThrow('"bad host"');
    expect(() => normaliseHost('a..b')).toThrow('not a valid host name');
    expect(() => normaliseHost('*.example.com')).toThrow('not a valid host name');
  });
});
