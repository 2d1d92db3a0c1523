import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestLeaf, makeTestPki } from '@fixtures/certificates.js';
import { caBundlePath, ensureCaBundle } from '@engine/system/terminal/caBundle.js';
import {
  pemCertificates,
  readSystemRoots,
  SYSTEM_ROOTS_ENV,
  SystemRootsError,
  UNIX_BUNDLE_FILES,
} from '@engine/system/terminal/systemRoots.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-bundle-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const pki = makeTestPki();
const netlensCa = makeTestLeaf({ hosts: ['NetLens CA test'] }).certPem;

describe('ensureCaBundle', () => {
  it('holds the roots and the NetLens CA, and is rebuilt only when either changes', async () => {
    const dir = tempDir();
    const roots = { pem: pki.ca.certPem, source: 'test roots' };
    const first = await ensureCaBundle(dir, roots, netlensCa);
    expect(first).toMatchObject({ path: caBundlePath(dir), rebuilt: true, certificateCount: 2 });
    const text = fs.readFileSync(first.path, 'utf8');
    expect(pemCertificates(text)).toEqual([
      ...pemCertificates(pki.ca.certPem),
      ...pemCertificates(netlensCa),
    ]);
    expect(fs.statSync(first.path).mode & 0o777).toBe(0o644);

    expect((await ensureCaBundle(dir, roots, netlensCa)).rebuilt).toBe(false);
    const moreRoots = { pem: `${pki.ca.certPem}${pki.selfSigned.certPem}`, source: 'test roots' };
    const rebuiltForRoots = await ensureCaBundle(dir, moreRoots, netlensCa);
    expect(rebuiltForRoots).toMatchObject({ rebuilt: true, certificateCount: 3 });
    const otherCa = makeTestLeaf({ hosts: ['another NetLens CA'] }).certPem;
    expect((await ensureCaBundle(dir, moreRoots, otherCa)).rebuilt).toBe(true);
    expect(fs.readFileSync(first.path, 'utf8')).toContain(otherCa.trim());
    expect(fs.readFileSync(first.path, 'utf8')).not.toContain(netlensCa.trim());
  });

  it('fails when the data directory cannot be written', async () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, '');
    await expect(
      ensureCaBundle(path.join(file, 'sub'), { pem: pki.ca.certPem, source: 'x' }, netlensCa),
    ).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('readSystemRoots', () => {
  const noFiles = async (): Promise<string> => {
    throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  };

  it(`takes ${SYSTEM_ROOTS_ENV} first`, async () => {
    const file = path.join(tempDir(), 'roots.pem');
    fs.writeFileSync(file, `junk\r\n${pki.ca.certPem.replace(/\n/g, '\r\n')}trailing`);
    const roots = await readSystemRoots({ env: { [SYSTEM_ROOTS_ENV]: file }, platform: 'linux' });
    expect(roots).toEqual({
      pem: pki.ca.certPem.endsWith('\n') ? pki.ca.certPem : `${pki.ca.certPem}\n`,
      source: file,
    });
  });

  it(`says what is wrong with ${SYSTEM_ROOTS_ENV}`, async () => {
    await expect(readSystemRoots({ env: { [SYSTEM_ROOTS_ENV]: '/nonexistent.pem' } })).rejects.toThrow(
      SystemRootsError,
    );
    const empty = path.join(tempDir(), 'empty.pem');
    fs.writeFileSync(empty, 'no certificate here');
    await expect(readSystemRoots({ env: { [SYSTEM_ROOTS_ENV]: empty } })).rejects.toThrow(
      /holds no PEM certificate/,
    );
  });

  it('on Linux, the first distribution bundle that holds certificates', async () => {
    const read: string[] = [];
    const roots = await readSystemRoots({
      env: {},
      platform: 'linux',
      readFile: async (file) => {
        read.push(file);
        if (file === UNIX_BUNDLE_FILES[0]) return 'empty';
        if (file === '/etc/pki/tls/certs/ca-bundle.crt') return pki.ca.certPem;
        throw new Error('unexpected');
      },
    });
    expect(roots.source).toBe('/etc/pki/tls/certs/ca-bundle.crt');
    expect(read).toEqual(UNIX_BUNDLE_FILES.slice(0, 2));
  });

  it("on macOS, the keychains exported with security(1); Node's roots when nothing else is found", async () => {
    const calls: string[][] = [];
    const mac = await readSystemRoots({
      env: {},
      platform: 'darwin',
      readFile: noFiles,
      run: async (command, args) => {
        calls.push([command, ...args]);
        return args[3]!.startsWith('/System') ? pki.ca.certPem : pki.selfSigned.certPem;
      },
    });
    expect(calls[0]).toEqual([
      '/usr/bin/security',
      'find-certificate',
      '-a',
      '-p',
      '/System/Library/Keychains/SystemRootCertificates.keychain',
    ]);
    expect(pemCertificates(mac.pem)).toHaveLength(2);

    const fallback = await readSystemRoots({
      env: {},
      platform: 'win32',
      readFile: noFiles,
      nodeRoots: () => ({ pem: pki.ca.certPem, source: 'node' }),
    });
    expect(fallback.source).toBe('node');
    const real = await readSystemRoots({ env: {}, platform: 'win32', readFile: noFiles });
    expect(pemCertificates(real.pem).length).toBeGreaterThan(50);
  });
});
