import { describe, expect, it } from 'vitest';
import {
  keychainInstallPlan,
  keychainStore,
  keychainUninstallPlan,
  parseKeychainSha1s,
} from '@engine/system/caTrust/keychainStore.js';
import { describeStep } from '@engine/system/caTrust/trustSteps.js';
import { fakeTrustEnvironment, fixtureCaIdentity, systemFixture } from '@fixtures/fakeTrustEnvironment.js';

const ca = fixtureCaIdentity();
const login = '/Users/dev/Library/Keychains/login.keychain-db';

describe('macOS keychain', () => {
  it('reads the SHA-1 of every certificate in `security find-certificate -a -Z`', () => {
    expect([...parseKeychainSha1s(systemFixture('macos-security-find-certificate-Z.txt'))]).toEqual([
      '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      '9f4e2a1b7c3d5e6f8091a2b3c4d5e6f708192a3b',
    ]);
  });

  it('plans a trusted root in the login keychain, and its removal by SHA-1', () => {
    expect(keychainInstallPlan(login, ca, false).map(describeStep)).toEqual([
      `security add-trusted-cert -r trustRoot -k ${login} ${ca.certPath}`,
    ]);
    expect(keychainUninstallPlan(login, ca, false).map(describeStep)).toEqual([
      `security remove-trusted-cert ${ca.certPath}`,
      `security delete-certificate -Z 9F4E2A1B7C3D5E6F8091A2B3C4D5E6F708192A3B ${login}`,
    ]);
    expect(keychainInstallPlan('/Library/Keychains/System.keychain', ca, true)[0]).toMatchObject({
      args: [
        'add-trusted-cert',
        '-d',
        '-r',
        'trustRoot',
        '-k',
        '/Library/Keychains/System.keychain',
        ca.certPath,
      ],
    });
  });

  it('inspects the login keychain: trusted when the CA is in it, nothing to install then', async () => {
    const listing = systemFixture('macos-security-find-certificate-Z.txt');
    const env = fakeTrustEnvironment({
      platform: 'darwin',
      homeDir: '/Users/dev',
      handle: (command, args) =>
        command === 'security' && args[0] === 'find-certificate'
          ? { code: 0, stdout: listing, stderr: '' }
          : undefined,
    });
    const state = await keychainStore(env, ca, 'login').inspect();
    expect(state.status).toEqual({ store: 'keychain', location: login, trusted: true, available: true });
    expect(state.install).toEqual([]);
    expect(state.uninstall).toHaveLength(2);
    expect(env.commands).toEqual([['security', 'find-certificate', '-a', '-Z', login]]);

    const other = await keychainStore(
      env,
      fixtureCaIdentity({ sha1Hex: 'ff'.repeat(20) }),
      'login',
    ).inspect();
    expect(other.status.trusted).toBe(false);
    expect(other.install.map(describeStep)[0]).toContain('add-trusted-cert');
  });

  it('reports the System keychain without root as not available, saying why', async () => {
    const env = fakeTrustEnvironment({
      platform: 'darwin',
      handle: () => ({ code: 0, stdout: '', stderr: '' }),
    });
    const state = await keychainStore(env, ca, 'system').inspect();
    expect(state.status).toMatchObject({ store: 'system', available: false, trusted: false });
    expect(state.status.reason).toContain('sudo netlens ca --install --store system');
    expect(state.install).toEqual([]);
  });
});
