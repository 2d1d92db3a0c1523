import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, locateElectron } from '@cli/appCommand.js';

const root = '/opt/netlens';
const electronDir = path.join(root, 'node_modules', 'electron');
const mainScript = path.join(root, 'dist', 'electron', 'main.cjs');

function fakeFs(files: Record<string, string>) {
  return {
    exists: (file: string) => file in files,
    readText: (file: string) => {
      const text = files[file];
      if (text === undefined) throw new Error('ENOENT');
      return text;
    },
  };
}

describe('locateElectron', () => {
  it('finds the binary named by path.txt and the built main script', () => {
    const fs = fakeFs({
      [path.join(electronDir, 'path.txt')]: 'electron',
      [path.join(electronDir, 'dist', 'electron')]: '',
      [mainScript]: '',
    });
    expect(locateElectron({ packageRoot: root, env: { DISPLAY: ':0' }, platform: 'linux', ...fs })).toEqual({
      ok: true,
      executable: path.join(electronDir, 'dist', 'electron'),
      mainScript,
    });
  });

  it('reports the missing binary (never downloading it) in one line', () => {
    const launch = locateElectron({
      packageRoot: root,
      env: { DISPLAY: ':0' },
      platform: 'linux',
      ...fakeFs({ [mainScript]: '', [path.join(electronDir, 'install.js')]: '' }),
    });
    expect(launch.ok).toBe(false);
    // Electron's installer is there: the app command downloads the binary (electronDownload.ts).
    expect(launch.ok ? undefined : launch.missingBinary).toBe(true);
    expect(launch.ok ? '' : launch.reason).toMatch(/Electron's binary is missing.*npx install-electron/);
    expect(launch.ok ? '' : launch.reason).not.toContain('\n');
    // path.txt present but the download never happened:
    const half = locateElectron({
      packageRoot: root,
      env: { DISPLAY: ':0' },
      platform: 'linux',
      ...fakeFs({ [path.join(electronDir, 'path.txt')]: 'electron', [mainScript]: '' }),
    });
    expect(half.ok).toBe(false);
  });

  it('checks the display before the binary: a headless machine never downloads Electron', () => {
    const launch = locateElectron({
      packageRoot: root,
      env: {},
      platform: 'linux',
      ...fakeFs({ [mainScript]: '' }),
    });
    expect(launch).toMatchObject({ ok: false, reason: expect.stringMatching(/No display/) });
    expect(launch.ok ? undefined : launch.missingBinary).toBeUndefined();
  });

  it('reports an unbuilt app and a missing display', () => {
    const binary = {
      [path.join(electronDir, 'path.txt')]: 'electron',
      [path.join(electronDir, 'dist', 'electron')]: '',
    };
    const unbuilt = locateElectron({
      packageRoot: root,
      env: { DISPLAY: ':0' },
      platform: 'linux',
      ...fakeFs(binary),
    });
    expect(unbuilt.ok ? '' : unbuilt.reason).toMatch(/not built/);
    const headless = locateElectron({
      packageRoot: root,
      env: {},
      platform: 'linux',
      ...fakeFs({ ...binary, [mainScript]: '' }),
    });
    expect(headless.ok ? '' : headless.reason).toMatch(/No display/);
    // macOS and Windows have no DISPLAY variable and need none.
    expect(
      locateElectron({
        packageRoot: root,
        env: {},
        platform: 'darwin',
        ...fakeFs({ ...binary, [mainScript]: '' }),
      }).ok,
    ).toBe(true);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron itself', () => {
    const launch = locateElectron({
      packageRoot: root,
      env: { ELECTRON_OVERRIDE_DIST_PATH: '/usr/lib/electron', DISPLAY: ':0' },
      platform: 'linux',
      ...fakeFs({ '/usr/lib/electron/electron': '', [mainScript]: '' }),
    });
    expect(launch).toMatchObject({ ok: true, executable: '/usr/lib/electron/electron' });
  });
});

describe('findPackageRoot', () => {
  it('finds this checkout from a source file', () => {
    const root = findPackageRoot(path.resolve('electron/cli/appCommand.ts'));
    expect(root).toBe(path.resolve('.'));
  });
});
