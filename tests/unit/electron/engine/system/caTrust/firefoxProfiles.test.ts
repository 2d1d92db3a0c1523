import { describe, expect, it } from 'vitest';
import {
  discoverFirefoxProfiles,
  firefoxProfileRoots,
  parseProfilesIni,
} from '@engine/system/caTrust/firefoxProfiles.js';
import { systemFixture } from '@fixtures/fakeTrustEnvironment.js';

describe('parseProfilesIni', () => {
  it('reads relative and absolute profiles on Linux, ignoring Install and General sections', () => {
    const root = '/home/dev/.mozilla/firefox';
    expect(parseProfilesIni(systemFixture('firefox-profiles-linux.ini'), root, 'linux')).toEqual([
      { name: 'work', dir: '/home/dev/firefox-profiles/work', root },
      { name: 'default', dir: `${root}/x7q2m1aa.default`, root },
      { name: 'default-release', dir: `${root}/k3o9pe2c.default-release`, root },
    ]);
  });

  it('reads Windows profiles.ini (CRLF, forward slashes) into Windows paths', () => {
    const root = 'C:\\Users\\dev\\AppData\\Roaming\\Mozilla\\Firefox';
    expect(
      parseProfilesIni(systemFixture('firefox-profiles-windows.ini'), root, 'win32').map((p) => p.dir),
    ).toEqual([`${root}\\Profiles\\e1w3bq9n.default`, `${root}\\Profiles\\u8d0b2ts.default-release`]);
  });

  it('reads macOS profiles.ini', () => {
    const root = '/Users/dev/Library/Application Support/Firefox';
    expect(parseProfilesIni(systemFixture('firefox-profiles-macos.ini'), root, 'darwin')).toEqual([
      { name: 'default-release', dir: `${root}/Profiles/2kq8w0xd.default-release`, root },
    ]);
  });
});

describe('Firefox profile roots and discovery', () => {
  it('looks in the classic, XDG, snap and Flatpak places on Linux', () => {
    expect(firefoxProfileRoots('linux', '/home/dev', {})).toEqual([
      '/home/dev/.mozilla/firefox',
      '/home/dev/.config/mozilla/firefox',
      '/home/dev/snap/firefox/common/.mozilla/firefox',
      '/home/dev/.var/app/org.mozilla.firefox/.mozilla/firefox',
      '/home/dev/.var/app/org.mozilla.firefox/config/mozilla/firefox',
    ]);
    expect(firefoxProfileRoots('win32', 'C:\\Users\\dev', { APPDATA: 'D:\\Roaming' })).toEqual([
      'D:\\Roaming\\Mozilla\\Firefox',
    ]);
    expect(firefoxProfileRoots('darwin', '/Users/dev', {})).toEqual([
      '/Users/dev/Library/Application Support/Firefox',
    ]);
  });

  it('lists the profiles of every root that has a profiles.ini, each folder once', () => {
    const files: Record<string, string> = {
      '/home/dev/.mozilla/firefox/profiles.ini': systemFixture('firefox-profiles-linux.ini'),
      '/home/dev/snap/firefox/common/.mozilla/firefox/profiles.ini':
        '[Profile0]\nName=snap\nIsRelative=1\nPath=s1.default\n',
    };
    const profiles = discoverFirefoxProfiles(
      firefoxProfileRoots('linux', '/home/dev', {}),
      (f) => files[f],
      'linux',
    );
    expect(profiles.map((p) => p.name)).toEqual(['work', 'default', 'default-release', 'snap']);
    expect(profiles[3]!.dir).toBe('/home/dev/snap/firefox/common/.mozilla/firefox/s1.default');
    expect(discoverFirefoxProfiles(['/nowhere'], () => undefined, 'linux')).toEqual([]);
  });
});
