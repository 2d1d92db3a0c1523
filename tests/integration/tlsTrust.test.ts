/**
 * Real clients trust leaves minted by the NetLens CA once the CA is trusted — curl (OpenSSL),
 * Node (`ca` and NODE_EXTRA_CA_CERTS), Python `requests` (verify= and REQUESTS_CA_BUNDLE) and
 * OpenSSL's strict verifier (what Python 3.13 turns on by default) — and reject them when it
 * is not. Also proves the test PKI fixture produces the error it promises.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCA, type CertificateAuthority } from '@engine/tls/certificateAuthority.js';
import { LeafCertCache } from '@engine/tls/leafCertCache.js';
import { makeTestPki, type TestCertificate } from '@fixtures/certificates.js';
import { diagnose } from '@engine/analysis/diagnose.js';
import http from 'node:http';
import net from 'node:net';

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function listen(server: https.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

let dataDir: string;
let ca: CertificateAuthority;
let cache: LeafCertCache;
let server4: https.Server;
let server6: https.Server;
let port4: number;
let port6: number;

/** Serves the leaf for the SNI name, or for the IP the client dialled when it sent no SNI. */
function interceptingServer(defaultHost: string): https.Server {
  const leaf = cache.get(defaultHost);
  return https.createServer(
    {
      key: leaf.keyPem,
      cert: leaf.certPem,
      SNICallback: (servername, callback) => {
        try {
          callback(null, cache.get(servername).secureContext);
        } catch (error) {
          callback(error as Error);
        }
      },
    },
    (_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end('trusted');
    },
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'netlens-trust-'));
  ca = await loadOrCreateCA(dataDir);
  cache = new LeafCertCache(ca);
  server4 = interceptingServer('127.0.0.1');
  server6 = interceptingServer('::1');
  port4 = await listen(server4, '127.0.0.1');
  port6 = await listen(server6, '::1');
});

afterAll(async () => {
  await Promise.all([close(server4), close(server6)]);
  rmSync(dataDir, { recursive: true, force: true });
});

function nodeGet(options: https.RequestOptions): Promise<{ body?: string; code?: string }> {
  return new Promise((resolve) => {
    const request = https.get({ agent: false, timeout: 10_000, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ body }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code ?? error.message }));
    request.on('timeout', () => request.destroy(new Error('timeout')));
  });
}

describe('leaves minted by the NetLens CA', () => {
  it('are trusted by curl --cacert for a name, an IPv4 and an IPv6 literal', async () => {
    const byName = await run('/usr/bin/curl', [
      '-sS',
      '--cacert',
      ca.certPath,
      '--resolve',
      `localhost:${port4}:127.0.0.1`,
      `https://localhost:${port4}/`,
    ]);
    expect(byName.stderr).toBe('');
    expect(byName.stdout).toBe('trusted');
    const byIp4 = await run('/usr/bin/curl', ['-sS', '--cacert', ca.certPath, `https://127.0.0.1:${port4}/`]);
    expect(byIp4.stdout).toBe('trusted');
    const byIp6 = await run('/usr/bin/curl', [
      '-sS',
      '-g',
      '--cacert',
      ca.certPath,
      `https://[::1]:${port6}/`,
    ]);
    expect(byIp6.stdout).toBe('trusted');
  });

  it('are rejected by curl when the CA is not trusted', async () => {
    const result = await run('/usr/bin/curl', ['-sS', `https://127.0.0.1:${port4}/`]);
    expect(result.code).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
    expect(result.stdout).toBe('');
  });

  it('pass OpenSSL strict verification for the sslserver purpose', async () => {
    const leafPath = path.join(dataDir, 'leaf.pem');
    writeFileSync(leafPath, cache.get('strict.example.com').certPem);
    const result = await run('openssl', [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      ca.certPath,
      leafPath,
    ]);
    expect(result.stdout.trim()).toBe(`${leafPath}: OK`);
  });

  it('are trusted by Node with `ca`, for a name and IP literals', async () => {
    expect(
      await nodeGet({ host: '127.0.0.1', port: port4, servername: 'localhost', ca: ca.certPem }),
    ).toEqual({
      body: 'trusted',
    });
    expect(await nodeGet({ host: '127.0.0.1', port: port4, ca: ca.certPem })).toEqual({ body: 'trusted' });
    expect(await nodeGet({ host: '::1', port: port6, ca: ca.certPem })).toEqual({ body: 'trusted' });
    expect(await nodeGet({ host: '127.0.0.1', port: port4 })).toEqual({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('are trusted by a Node process started with NODE_EXTRA_CA_CERTS', async () => {
    const script =
      `require('https').get('https://127.0.0.1:${port4}/', (r) => { let b = ''; r.on('data', (c) => b += c); ` +
      `r.on('end', () => console.log(b)); }).on('error', (e) => { console.log(e.code); });`;
    const trusted = await run(process.execPath, ['-e', script], { NODE_EXTRA_CA_CERTS: ca.certPath });
    expect(trusted.stdout.trim()).toBe('trusted');
    const untrusted = await run(process.execPath, ['-e', script], { NODE_EXTRA_CA_CERTS: '' });
    expect(untrusted.stdout.trim()).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('are trusted by Python requests (verify= and REQUESTS_CA_BUNDLE) and strict ssl', async () => {
    const script = [
      'import os, socket, ssl, sys, requests',
      'url, ca = sys.argv[1], sys.argv[2]',
      'print(requests.get(url, verify=ca, timeout=10).text)',
      'print(requests.get(url, timeout=10).text)  # REQUESTS_CA_BUNDLE from the environment',
      'ctx = ssl.create_default_context(cafile=ca)',
      'ctx.verify_flags |= ssl.VERIFY_X509_STRICT  # the default from Python 3.13 on',
      `with socket.create_connection(("127.0.0.1", ${port4}), timeout=10) as sock:`,
      '    with ctx.wrap_socket(sock, server_hostname="localhost") as tls_sock:',
      '        print(tls_sock.version() is not None)',
    ].join('\n');
    const result = await run('python3', ['-c', script, `https://127.0.0.1:${port4}/`, ca.certPath], {
      REQUESTS_CA_BUNDLE: ca.certPath,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['trusted', 'trusted', 'True']);
  });

  it('negotiate TLS 1.3 with the shared EC key', async () => {
    const protocol = await new Promise<string | null>((resolve, reject) => {
      const socket = tls.connect(
        { host: '127.0.0.1', port: port4, servername: 'tls13.example.com', ca: ca.certPem },
        () => {
          resolve(socket.getProtocol());
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(protocol).toBe('TLSv1.3');
  });
});

describe('the test PKI fixture', () => {
  const cases: [keyof ReturnType<typeof makeTestPki>, string | undefined][] = [
    ['valid', undefined],
    ['expired', 'CERT_HAS_EXPIRED'],
    ['notYetValid', 'CERT_NOT_YET_VALID'],
    ['selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['unknownCa', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ];
  for (const [name, expectedCode] of cases) {
    it(`serves ${name}: ${expectedCode ?? 'trusted'} for localhost, 127.0.0.1 and ::1`, async () => {
      const pki = makeTestPki();
      const certificate = pki[name] as TestCertificate;
      const servers = [certificate, certificate].map((c) =>
        https.createServer({ key: c.keyPem, cert: c.certPem }, (_q, r) => r.end('trusted')),
      );
      try {
        const p4 = await listen(servers[0]!, '127.0.0.1');
        const p6 = await listen(servers[1]!, '::1');
        const expected = expectedCode ? { code: expectedCode } : { body: 'trusted' };
        expect(
          await nodeGet({ host: '127.0.0.1', port: p4, servername: 'localhost', ca: pki.ca.certPem }),
        ).toEqual(expected);
        expect(await nodeGet({ host: '127.0.0.1', port: p4, ca: pki.ca.certPem })).toEqual(expected);
        expect(await nodeGet({ host: '::1', port: p6, ca: pki.ca.certPem })).toEqual(expected);
      } finally {
        await Promise.all(servers.map(close));
      }
    });
  }
});

/** The error a real Node TLS client gets, so diagnose() is proven on real shapes, not made-up ones. */
function tlsError(options: tls.ConnectionOptions): Promise<Error> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ timeout: 10_000, ...options }, () => {
      socket.destroy();
      reject(new Error('the handshake succeeded'));
    });
    socket.on('error', resolve);
  });
}

describe('diagnose on real socket errors', () => {
  const certCases: [keyof ReturnType<typeof makeTestPki>, string][] = [
    ['expired', 'expired'],
    ['notYetValid', 'not_yet_valid'],
    ['selfSigned', 'self_signed'],
    ['wrongHost', 'hostname_mismatch'],
    ['unknownCa', 'unknown_ca'],
  ];
  for (const [name, detail] of certCases) {
    it(`classifies a ${name} certificate as tls_cert_invalid (${detail})`, async () => {
      const pki = makeTestPki();
      const certificate = pki[name] as TestCertificate;
      const server = https.createServer({ key: certificate.keyPem, cert: certificate.certPem });
      try {
        const port = await listen(server, '127.0.0.1');
        const error = await tlsError({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca: pki.ca.certPem,
        });
        const result = diagnose(error, { host: 'localhost', port, phase: 'tls', elapsedMs: 5 });
        expect(result).toMatchObject({ class: 'tls_cert_invalid', detail, phase: 'tls' });
        expect(result.message).toContain(`TLS handshake with localhost:${port} failed after 5.0 ms`);
        if (name === 'wrongHost') expect(result.message).toContain('(it lists wrong.example.invalid)');
      } finally {
        await close(server);
      }
    });
  }

  it('spots TLS spoken to a plain-HTTP port', async () => {
    const server = http.createServer((_q, r) => r.end('plain'));
    try {
      const port = await new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      );
      const error = await tlsError({ host: '127.0.0.1', port, servername: 'localhost' });
      const result = diagnose(error, { host: '127.0.0.1', port, phase: 'tls', elapsedMs: 2 });
      expect(result).toMatchObject({ class: 'tls_handshake_failed', code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
      expect(result.message).toContain('Try http:// instead of https://');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('classifies a refused connection and an unknown name', async () => {
    // A port that was just free: listen, note it, close, connect.
    const probe = net.createServer();
    const freePort = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = await new Promise<Error>((resolve) =>
      net.connect(freePort, '127.0.0.1').on('error', resolve),
    );
    expect(
      diagnose(refused, { host: '127.0.0.1', port: freePort, phase: 'connect', elapsedMs: 1 }),
    ).toMatchObject({
      class: 'connect_refused',
      code: 'ECONNREFUSED',
    });
    const unknown = await new Promise<Error>((resolve) =>
      net.connect(80, 'netlens-test.invalid').on('error', resolve),
    );
    const result = diagnose(unknown, { host: 'netlens-test.invalid', port: 80, phase: 'dns', elapsedMs: 3 });
    expect(result.class).toBe('dns_not_found');
    expect(result.message).toContain('Failed to resolve netlens-test.invalid (port 80)');
  });
});
