import { describe, expect, it } from 'vitest';
import {
  caTrustStatus,
  changeCaTrust,
  planCaTrust,
  trustStoresFor,
} from '@engine/system/caTrust/caTrustStores.js';
import { CERTUTIL_MISSING_MESSAGE } from '@engine/system/caTrust/nssDatabase.js';
import type { CommandHandler } from '@fixtures/fakeTrustEnvironment.js';
import { fakeTrustEnvironment, fixtureCaIdentity } from '@fixtures/fakeTrustEnvironment.js';
import { addDatabase, fakeCertutil } from '@fixtures/fakeCertutil.js';
import { makeTestPki } from '@fixtures/certificates.js';

const ca = fixtureCaIdentity();
const home = '/home/dev';
const nssdb = `${home}/.pki/nssdb`;
const ffRoot = `${home}/.mozilla/firefox`;
const profileA = `${ffRoot}/x7q2m1aa.default`;
const profileB = `${ffRoot}/k3o9pe2c.default-release`;

/** A Linux user with two Firefox profiles (databases existing) and no ~/.pki/nssdb yet. */
function linuxUser(options: { isAdmin?: boolean; sudoUser?: string; certutil?: boolean } = {}) {
  let handle: CommandHandler = () => undefined;
  const env = fakeTrustEnvironment({
    homeDir: home,
    files: {
      [`${ffRoot}/profiles.ini`]:
        '[Profile1]\nName=default\nIsRelative=1\nPath=x7q2m1aa.default\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=k3o9pe2c.default-release\n',
    },
    executables: options.certutil === false ? {} : { certutil: '/usr/bin/certutil' },
    writable: [home],
    ...(options.isAdmin ? { isAdmin: true } : {}),
    ...(options.sudoUser ? { sudoUser: options.sudoUser } : {}),
    handle: (command, args) => handle(command, args),
  });
  const certutil = fakeCertutil(env.files);
  handle = certutil.handle;
  addDatabase(certutil, env.files, profileA);
  addDatabase(certutil, env.files, profileB);
  return { env, certutil };
}

describe('trustStoresFor: what a selection means per OS', () => {
  it('Linux: user = the shared NSS database and every Firefox profile; all adds the system store', () => {
    const { env } = linuxUser();
    const kinds = (selection: Parameters<typeof trustStoresFor>[0]) =>
      trustStoresFor(selection, env, ca).map((store) => `${store.kind} ${store.location}`);
    expect(kinds('user')).toEqual([`nss ${nssdb}`, `firefox ${profileA}`, `firefox ${profileB}`]);
    expect(kinds('nss')).toEqual([`nss ${nssdb}`]);
    expect(kinds('firefox')).toEqual([`firefox ${profileA}`, `firefox ${profileB}`]);
    expect(kinds('all')).toEqual([...kinds('user'), 'system system CA store']);
  });

  it('macOS: user = the login keychain, system = the System keychain', () => {
    const env = fakeTrustEnvironment({ platform: 'darwin', homeDir: '/Users/dev' });
    expect(trustStoresFor('user', env, ca).map((s) => [s.kind, s.location])).toEqual([
      ['keychain', '/Users/dev/Library/Keychains/login.keychain-db'],
    ]);
    expect(trustStoresFor('all', env, ca).map((s) => s.kind)).toEqual(['keychain', 'system']);
  });

  it('Windows: user = the current user Root store; system and nss are not available and say why', async () => {
    const env = fakeTrustEnvironment({ platform: 'win32', homeDir: 'C:\\Users\\dev' });
    expect(trustStoresFor('user', env, ca).map((s) => [s.kind, s.location])).toEqual([
      ['windows-user', 'CurrentUser\\Root'],
    ]);
    const [system] = trustStoresFor('system', env, ca);
    expect((await system!.inspect()).status).toMatchObject({ available: false });
    const [nss] = trustStoresFor('nss', env, ca);
    expect((await nss!.inspect()).status.reason).toContain('no shared NSS database on Windows');
    const [firefox] = trustStoresFor('firefox', env, ca);
    expect((await firefox!.inspect()).status.reason).toContain('security.enterprise_roots.enabled');
  });

  it('says where it looked when there is no Firefox profile', async () => {
    const env = fakeTrustEnvironment({ homeDir: home, executables: { certutil: '/usr/bin/certutil' } });
    const stores = trustStoresFor('firefox', env, ca);
    expect(stores).toHaveLength(1);
    const state = await stores[0]!.inspect();
    expect(state.status.available).toBe(false);
    expect(state.status.reason).toContain(`no Firefox profile found (looked for profiles.ini in ${ffRoot},`);
  });
});

describe('changeCaTrust', () => {
  it('installs into every user store, creating ~/.pki/nssdb, and is idempotent', async () => {
    const { env, certutil } = linuxUser();
    const first = await changeCaTrust(env, ca, 'install', 'user');
    expect(first.changes.map((c) => `${c.outcome} ${c.store} ${c.location}`)).toEqual([
      `installed nss ${nssdb}`,
      `installed firefox ${profileA}`,
      `installed firefox ${profileB}`,
    ]);
    expect(first.stores.every((s) => s.trusted)).toBe(true);
    for (const dir of [nssdb, profileA, profileB])
      expect(certutil.databases.get(dir)?.get(ca.nickname)).toBe('C,,');

    const commandsBefore = env.commands.length;
    const second = await changeCaTrust(env, ca, 'install', 'user');
    expect(second.changes.map((c) => c.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.changes[0]!.message).toBe('already trusted');
    // Only listings the second time: nothing added again.
    expect(env.commands.slice(commandsBefore).every((c) => c[1] === '-L')).toBe(true);
  });

  it('keeps going when one store fails midway and says which failed and which changed', async () => {
    const { env, certutil } = linuxUser();
    certutil.locked.add(profileA);
    const result = await changeCaTrust(env, ca, 'install', 'user');
    expect(result.changes.map((c) => `${c.outcome} ${c.store} ${c.location}`)).toEqual([
      `installed nss ${nssdb}`,
      `failed firefox ${profileA}`,
      `installed firefox ${profileB}`,
    ]);
    expect(result.changes[1]!.message).toContain('protected by a password');
    expect(result.stores.map((s) => s.trusted)).toEqual([true, false, true]);
  });

  it('uninstalls only where the CA is, and leaves other certificates alone', async () => {
    const { env, certutil } = linuxUser();
    certutil.databases.get(profileA)!.set('Corp Root CA', 'CT,C,C');
    await changeCaTrust(env, ca, 'install', 'nss');
    const result = await changeCaTrust(env, ca, 'uninstall', 'user');
    expect(result.changes.map((c) => `${c.outcome} ${c.store}`)).toEqual([
      'removed nss',
      'unchanged firefox',
      'unchanged firefox',
    ]);
    expect(result.changes[1]!.message).toBe('the CA is not there');
    expect([...certutil.databases.get(profileA)!.keys()]).toEqual(['Corp Root CA']);
    expect(certutil.databases.get(nssdb)!.size).toBe(0);
  });

  it('skips every store, with the reason, when certutil is missing', async () => {
    const { env } = linuxUser({ certutil: false });
    const result = await changeCaTrust(env, ca, 'install', 'user');
    expect(result.changes.map((c) => c.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(result.changes[0]!.message).toBe(CERTUTIL_MISSING_MESSAGE);
    expect(env.commands).toEqual([]);
  });

  it('under sudo leaves the user stores alone and changes the system store', async () => {
    const { env } = linuxUser({ isAdmin: true, sudoUser: 'dev' });
    env.env.NETLENS_SYSTEM_CA_DIR = '/tmp/anchors';
    env.writable.push('/tmp/anchors');
    const result = await changeCaTrust(env, { ...ca, certPem: makeTestPki().ca.certPem }, 'install', 'all');
    expect(result.changes[0]).toMatchObject({ outcome: 'skipped', store: 'nss' });
    expect(result.changes[0]!.message).toContain('as dev, without sudo');
    expect(result.changes).toHaveLength(2);
    expect(result.changes[1]).toEqual({
      outcome: 'installed',
      store: 'system',
      location: `/tmp/anchors/${ca.fileStem}.crt`,
    });
    expect(env.files.get(`/tmp/anchors/${ca.fileStem}.crt`)).toContain('BEGIN CERTIFICATE');
  });
});

describe('status and plans', () => {
  it('lists every store with its state', async () => {
    const { env, certutil } = linuxUser();
    certutil.databases.get(profileB)!.set(ca.nickname, 'C,,');
    const status = await caTrustStatus(env, ca);
    expect(status.caCertPath).toBe(ca.certPath);
    expect(status.stores.map((s) => [s.store, s.trusted, s.available])).toEqual([
      ['nss', false, true],
      ['firefox', false, true],
      ['firefox', true, true],
      ['system', false, false],
    ]);
  });

  it('prints the commands of --dry-run without running them', async () => {
    const { env } = linuxUser();
    const plan = await planCaTrust(env, ca, 'install', 'nss');
    expect(plan).toEqual([
      {
        store: 'nss',
        location: nssdb,
        steps: [
          `mkdir -p ${nssdb}`,
          `/usr/bin/certutil -N -d sql:${nssdb} --empty-password`,
          `/usr/bin/certutil -A -d sql:${nssdb} -n 'NetLens CA 0123456789abcdef' -t C,, -i ${ca.certPath} -f /dev/null`,
        ],
      },
    ]);
    expect(env.commands).toEqual([]);
  });
});
