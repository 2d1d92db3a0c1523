import { describe, expect, it } from 'vitest';
import { caIdentityOf } from '@engine/system/caTrust/caIdentity.js';
import { detectSystemLayout, linuxSystemStore } from '@engine/system/caTrust/systemStore.js';
import { describeStep } from '@engine/system/caTrust/trustSteps.js';
import { makeTestPki } from '@fixtures/certificates.js';
import { fakeTrustEnvironment } from '@fixtures/fakeTrustEnvironment.js';

const pki = makeTestPki();
const ca = caIdentityOf(pki.ca.certPem, '/home/dev/.config/NetLens/ca/netlens-ca.pem');
const anchor = `/usr/local/share/ca-certificates/${ca.fileStem}.crt`;

describe('Linux system store layout', () => {
  it('finds Debian/Ubuntu, Fedora, Arch and openSUSE by their folder and update tool', () => {
    const debian = fakeTrustEnvironment({
      files: { '/usr/local/share/ca-certificates/.keep': '' },
      executables: { 'update-ca-certificates': '/usr/sbin/update-ca-certificates' },
    });
    expect(detectSystemLayout(debian)?.name).toBe('Debian/Ubuntu');
    const fedora = fakeTrustEnvironment({
      files: { '/etc/pki/ca-trust/source/anchors/.keep': '' },
      executables: { 'update-ca-trust': '/usr/bin/update-ca-trust' },
    });
    expect(detectSystemLayout(fedora)).toMatchObject({
      name: 'Fedora/RHEL',
      update: ['update-ca-trust', 'extract'],
    });
    // The folder without its tool is not enough.
    expect(
      detectSystemLayout(fakeTrustEnvironment({ files: { '/etc/pki/ca-trust/source/anchors/x': '' } })),
    ).toBe(undefined);
  });

  it('takes its locations from NETLENS_SYSTEM_CA_* when set', () => {
    const env = fakeTrustEnvironment({
      env: {
        NETLENS_SYSTEM_CA_DIR: '/tmp/anchors',
        NETLENS_SYSTEM_CA_UPDATE: '/tmp/fake-update --fresh',
        NETLENS_SYSTEM_CA_BUNDLE: '/tmp/bundle.pem',
      },
    });
    expect(detectSystemLayout(env)).toEqual({
      name: 'custom',
      anchorDir: '/tmp/anchors',
      extension: '.crt',
      update: ['/tmp/fake-update', '--fresh'],
      bundlePath: '/tmp/bundle.pem',
    });
  });
});

describe('linuxSystemStore', () => {
  const debianFiles = { '/usr/local/share/ca-certificates/.keep': '' };
  const executables = { 'update-ca-certificates': '/usr/sbin/update-ca-certificates' };

  it('plans the anchor file and the update when root, nothing when already in the bundle', async () => {
    const env = fakeTrustEnvironment({
      files: debianFiles,
      executables,
      writable: ['/usr/local/share/ca-certificates'],
    });
    const before = await linuxSystemStore(env, ca).inspect();
    expect(before.status).toEqual({ store: 'system', location: anchor, trusted: false, available: true });
    expect(before.install.map(describeStep)).toEqual([
      `write ${anchor} (${Buffer.byteLength(ca.certPem)} bytes)`,
      '/usr/sbin/update-ca-certificates',
    ]);
    expect(before.uninstall).toEqual([]);

    env.files.set(anchor, ca.certPem);
    env.files.set('/etc/ssl/certs/ca-certificates.crt', `${pki.valid.certPem}${ca.certPem}`);
    const after = await linuxSystemStore(env, ca).inspect();
    expect(after.status.trusted).toBe(true);
    expect(after.install).toEqual([]);
    expect(after.uninstall.map(describeStep)).toEqual([
      `rm -f ${anchor}`,
      '/usr/sbin/update-ca-certificates',
    ]);
  });

  it('says when the file is there but the update did not run', async () => {
    const env = fakeTrustEnvironment({
      files: {
        ...debianFiles,
        [anchor]: ca.certPem,
        '/etc/ssl/certs/ca-certificates.crt': pki.valid.certPem,
      },
      executables,
      writable: ['/usr/local/share/ca-certificates'],
    });
    const state = await linuxSystemStore(env, ca).inspect();
    expect(state.status.trusted).toBe(false);
    expect(state.status.reason).toContain('update-ca-certificates has not run');
    expect(state.install).toHaveLength(2);
  });

  it('is not available without root, and says how to do it', async () => {
    const env = fakeTrustEnvironment({ files: debianFiles, executables });
    const state = await linuxSystemStore(env, ca).inspect();
    expect(state.status).toMatchObject({ available: false, trusted: false });
    expect(state.status.reason).toBe('needs root: run `sudo netlens ca --install --store system`.');
    expect(state.install).toEqual([]);
  });

  it('names what it looked for on an unknown distribution', async () => {
    const state = await linuxSystemStore(fakeTrustEnvironment(), ca).inspect();
    expect(state.status.available).toBe(false);
    expect(state.status.reason).toContain('update-ca-certificates with /usr/local/share/ca-certificates');
  });
});
