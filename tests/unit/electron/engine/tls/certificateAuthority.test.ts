import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
  readFileSync,
  existsSync,
  mkdirSync,
  utimesSync,
  unlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  KeyUsage,
  KeyUsageFlags,
  id_ce_basicConstraints,
  id_ce_keyUsage,
} from '@peculiar/asn1-x509';
import { CertificateAuthorityError, caPaths, loadOrCreateCA } from '@engine/tls/certificateAuthority.js';
import { repoRoot } from '@fixtures/paths.js';

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netlens-ca-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function extension(certPem: string, oid: string) {
  const cert = AsnConvert.parse(new X509Certificate(certPem).raw, Certificate);
  return cert.tbsCertificate.extensions?.find((e) => e.extnID === oid);
}

describe('loadOrCreateCA', () => {
  it('creates a CA certificate and key in <dataDir>/ca on first use', async () => {
    const dataDir = tempDataDir();
    const ca = await loadOrCreateCA(dataDir);
    expect(ca.created).toBe(true);
    expect(ca.certPath).toBe(path.join(dataDir, 'ca', 'netlens-ca.pem'));
    expect(ca.keyPath).toBe(path.join(dataDir, 'ca', 'netlens-ca-key.pem'));
    expect(readFileSync(ca.certPath, 'utf8')).toBe(ca.certPem);
    expect(readFileSync(ca.keyPath, 'utf8')).toBe(ca.keyPem);

    const x509 = new X509Certificate(ca.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.subject).toContain(`CN=NetLens CA (${os.hostname()}`.slice(0, 40));
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    const years = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / (365.25 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(ca.fingerprint256).toBe(x509.fingerprint256);
  });

  it('marks basicConstraints CA:true critical and keyUsage keyCertSign + cRLSign', async () => {
    const ca = await loadOrCreateCA(tempDataDir());
    const bc = extension(ca.certPem, id_ce_basicConstraints)!;
    expect(bc.critical).toBe(true);
    expect(AsnConvert.parse(bc.extnValue, BasicConstraints).cA).toBe(true);
    const ku = extension(ca.certPem, id_ce_keyUsage)!;
    expect(ku.critical).toBe(true);
    const flags = AsnConvert.parse(ku.extnValue, KeyUsage).toNumber();
    expect(flags & KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(flags & KeyUsageFlags.cRLSign).toBeTruthy();
  });

  it.runIf(process.platform !== 'win32')('keeps the key readable by the user only', async () => {
    const ca = await loadOrCreateCA(tempDataDir());
    expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(ca.keyPath)).mode & 0o777).toBe(0o700);
  });

  it.runIf(process.platform !== 'win32')('tightens a key file that became group-readable', async () => {
    const dataDir = tempDataDir();
    const ca = await loadOrCreateCA(dataDir);
    const { chmodSync } = await import('node:fs');
    chmodSync(ca.keyPath, 0o644);
    await loadOrCreateCA(dataDir);
    expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
  });

  it('reuses the CA on later calls', async () => {
    const dataDir = tempDataDir();
    const first = await loadOrCreateCA(dataDir);
    const second = await loadOrCreateCA(dataDir);
    expect(second.created).toBe(false);
    expect(second.certPem).toBe(first.certPem);
    expect(second.keyPem).toBe(first.keyPem);
    expect(second.commonName).toBe(first.commonName);
  });

  it('gives concurrent callers in one process the same CA, created once', async () => {
    const dataDir = tempDataDir();
    const results = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateCA(dataDir)));
    expect(new Set(results.map((r) => r.certPem)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(existsSync(caPaths(dataDir).lockPath)).toBe(false);
  });

  it('gives two processes starting at once the same CA', async () => {
    const dataDir = tempDataDir();
    const script = path.join(dataDir, 'load.mts');
    const moduleUrl = new URL('electron/engine/tls/certificateAuthority.ts', `file://${repoRoot}/`).href;
    writeFileSync(
      script,
      `const { loadOrCreateCA } = await import(${JSON.stringify(moduleUrl)});\n` +
        `const ca = await loadOrCreateCA(process.argv[2]);\nprocess.stdout.write(ca.fingerprint256);\n`,
    );
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { cwd: repoRoot });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(b).toBe(a);
    expect(new X509Certificate(readFileSync(caPaths(dataDir).certPath)).fingerprint256).toBe(a);
  }, 30_000);

  it('rejects a corrupt certificate with a message naming the file and the fix', async () => {
    const dataDir = tempDataDir();
    const { certPath, dir } = caPaths(dataDir);
    await loadOrCreateCA(dataDir);
    writeFileSync(certPath, 'this is not a certificate');
    const error = await loadOrCreateCA(dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateAuthorityError);
    expect((error as Error).message).toContain(certPath);
    expect((error as Error).message).toContain('corrupt');
    expect((error as Error).message).toContain(`Delete the folder ${dir}`);
    // The broken file is left as it was: nothing the user trusted is silently replaced.
    expect(readFileSync(certPath, 'utf8')).toBe('this is not a certificate');
  });

  it('rejects a corrupt private key, naming the key file', async () => {
    const dataDir = tempDataDir();
    const { keyPath } = caPaths(dataDir);
    await loadOrCreateCA(dataDir);
    writeFileSync(keyPath, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    await expect(loadOrCreateCA(dataDir)).rejects.toThrow(`The NetLens CA private key ${keyPath} is corrupt`);
  });

  it('rejects a key that does not match the certificate', async () => {
    const dataDir = tempDataDir();
    const { keyPath } = caPaths(dataDir);
    await loadOrCreateCA(dataDir);
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(keyPath, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(loadOrCreateCA(dataDir)).rejects.toThrow('does not belong to the certificate');
  });

  it('rejects a certificate whose key is missing instead of replacing it', async () => {
    const dataDir = tempDataDir();
    const { keyPath, certPath } = caPaths(dataDir);
    const ca = await loadOrCreateCA(dataDir);
    unlinkSync(keyPath);
    await expect(loadOrCreateCA(dataDir)).rejects.toThrow(`its private key ${keyPath} is missing`);
    expect(readFileSync(certPath, 'utf8')).toBe(ca.certPem);
  });

  it('replaces a lone key left by an interrupted creation', async () => {
    const dataDir = tempDataDir();
    const { keyPath, dir } = caPaths(dataDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyPath, 'half-written');
    const ca = await loadOrCreateCA(dataDir);
    expect(ca.created).toBe(true);
    expect(new X509Certificate(ca.certPem).checkPrivateKey(createPrivateKey(readFileSync(keyPath)))).toBe(
      true,
    );
  });

  it('reports an unreadable certificate path clearly', async () => {
    const dataDir = tempDataDir();
    const { certPath } = caPaths(dataDir);
    mkdirSync(certPath, { recursive: true }); // a directory where the file should be: EISDIR
    await expect(loadOrCreateCA(dataDir)).rejects.toThrow(
      `Cannot read the NetLens CA certificate ${certPath}`,
    );
  });

  it('rejects an expired CA', async () => {
    const dataDir = tempDataDir();
    const ca = await loadOrCreateCA(dataDir);
    const later = ca.validToMs + 1000;
    await expect(loadOrCreateCA(dataDir, { nowMs: () => later })).rejects.toThrow(/expired on \d{4}-/);
  });

  it('breaks a stale lock left by a crashed process', async () => {
    const dataDir = tempDataDir();
    const { lockPath, dir } = caPaths(dataDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockPath, '999999');
    const old = new Date(Date.now() - 120_000);
    utimesSync(lockPath, old, old);
    const ca = await loadOrCreateCA(dataDir);
    expect(ca.created).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('waits for a live lock, then gives up with a message naming the lock file', async () => {
    const dataDir = tempDataDir();
    const { lockPath, dir } = caPaths(dataDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockPath, String(process.pid));
    await expect(loadOrCreateCA(dataDir, { lockTimeoutMs: 200 })).rejects.toThrow(
      `another NetLens process to create the CA (lock file ${lockPath})`,
    );
  });
});
