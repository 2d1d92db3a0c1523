import { describe, expect, it } from 'vitest';
import {
  parseWindowsStoreSha1s,
  windowsCertutil,
  windowsInstallPlan,
  windowsRootStore,
  windowsUninstallPlan,
} from '@engine/system/caTrust/windowsRootStore.js';
import { fakeTrustEnvironment, fixtureCaIdentity, systemFixture } from '@fixtures/fakeTrustEnvironment.js';

const ca = fixtureCaIdentity();
const both = ['cdd4eeae6000ac7f40c3802c171e30148030c072', '9f4e2a1b7c3d5e6f8091a2b3c4d5e6f708192a3b'];

describe('Windows user Root store', () => {
  it('reads the SHA-1 hashes in English, German and the old spaced format', () => {
    expect([...parseWindowsStoreSha1s(systemFixture('windows-certutil-user-store-root.txt'))]).toEqual(both);
    expect([...parseWindowsStoreSha1s(systemFixture('windows-certutil-user-store-root-de.txt'))]).toEqual(
      both,
    );
    expect([...parseWindowsStoreSha1s(systemFixture('windows-certutil-user-store-root-legacy.txt'))]).toEqual(
      both,
    );
    expect([
      ...parseWindowsStoreSha1s(systemFixture('windows-certutil-user-store-root-without-netlens.txt')),
    ]).toEqual([both[0]]);
  });

  it("runs Windows's own certutil.exe by its full path, for the current user only", () => {
    const certutil = windowsCertutil({ SystemRoot: 'C:\\WINDOWS' });
    expect(certutil).toBe('C:\\WINDOWS\\System32\\certutil.exe');
    expect(windowsInstallPlan(certutil, ca)).toEqual([
      { kind: 'run', command: certutil, args: ['-user', '-addstore', 'Root', ca.certPath] },
    ]);
    expect(windowsUninstallPlan(certutil, ca)).toEqual([
      { kind: 'run', command: certutil, args: ['-user', '-delstore', 'Root', ca.sha1Hex] },
    ]);
  });

  it('inspects the store from certutil -user -store Root', async () => {
    const stores: Record<string, string> = {
      with: systemFixture('windows-certutil-user-store-root.txt'),
      without: systemFixture('windows-certutil-user-store-root-without-netlens.txt'),
    };
    let which = 'with';
    const env = fakeTrustEnvironment({
      platform: 'win32',
      env: { SystemRoot: 'C:\\Windows' },
      handle: (_command, args) =>
        args.join(' ') === '-user -store Root' ? { code: 0, stdout: stores[which]!, stderr: '' } : undefined,
    });
    const present = await windowsRootStore(env, ca).inspect();
    expect(present.status).toEqual({
      store: 'windows-user',
      location: 'CurrentUser\\Root',
      trusted: true,
      available: true,
    });
    expect(present.install).toEqual([]);
    which = 'without';
    const absent = await windowsRootStore(env, ca).inspect();
    expect(absent.status.trusted).toBe(false);
    expect(absent.install).toHaveLength(1);
    expect(absent.uninstall).toEqual([]);
    expect(env.commands[0]).toEqual(['C:\\Windows\\System32\\certutil.exe', '-user', '-store', 'Root']);
  });
});
