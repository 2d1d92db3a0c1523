import { describe, expect, it } from 'vitest';
import {
  discoverBrowsers,
  summarizeSearched,
  type DiscoveryProbe,
} from '@engine/system/browsers/browserDiscovery.js';

function probe(
  platform: NodeJS.Platform,
  executables: string[],
  extra: Partial<DiscoveryProbe> = {},
): DiscoveryProbe {
  const set = new Set(executables);
  return {
    platform,
    env: {},
    homeDir: platform === 'win32' ? 'C:\\Users\\dev' : platform === 'darwin' ? '/Users/dev' : '/home/dev',
    isExecutable: (file) => set.has(file),
    readHead: () => undefined,
    ...extra,
  };
}

describe('discoverBrowsers on Linux', () => {
  it('finds commands on PATH first, then /opt and the usual places, one per browser', () => {
    const found = discoverBrowsers(
      probe(
        'linux',
        [
          '/usr/bin/chromium',
          '/usr/lib/chromium/chromium',
          '/opt/google/chrome/chrome',
          '/usr/bin/firefox-esr',
        ],
        { env: { PATH: '/usr/local/bin:/usr/bin' } },
      ),
    );
    expect(found.browsers).toEqual([
      { id: 'chromium', name: 'Chromium', family: 'chromium', path: '/usr/bin/chromium' },
      { id: 'chrome', name: 'Google Chrome', family: 'chromium', path: '/opt/google/chrome/chrome' },
      { id: 'firefox', name: 'Firefox', family: 'firefox', path: '/usr/bin/firefox-esr' },
    ]);
    expect(found.searched).toContain('/usr/local/bin/microsoft-edge');
    expect(found.searched).toContain('/opt/microsoft/msedge/msedge');
    expect(found.searched).toContain('/home/dev/.local/share/flatpak/exports/bin/com.brave.Browser');
  });

  it('recognises snaps (and the wrapper scripts that start them) and Flatpak exports', () => {
    const heads: Record<string, string> = {
      '/usr/bin/chromium-browser': '#! /bin/sh\nexec /snap/bin/chromium "$@"\n',
    };
    const found = discoverBrowsers(
      probe(
        'linux',
        ['/usr/bin/chromium-browser', '/snap/bin/firefox', '/var/lib/flatpak/exports/bin/com.brave.Browser'],
        { env: { PATH: '/usr/bin' }, readHead: (file) => heads[file] },
      ),
    );
    expect(found.browsers.map((b) => [b.id, b.path, b.packaging, b.packageId])).toEqual([
      ['chromium', '/usr/bin/chromium-browser', 'snap', 'chromium'],
      ['brave', '/var/lib/flatpak/exports/bin/com.brave.Browser', 'flatpak', 'com.brave.Browser'],
      ['firefox', '/snap/bin/firefox', 'snap', 'firefox'],
    ]);
  });

  it('summarizes where it looked for a one-line error', () => {
    const p = probe('linux', [], { env: { PATH: '/usr/local/bin:/usr/bin' } });
    const { browsers, searched } = discoverBrowsers(p, ['edge']);
    expect(browsers).toEqual([]);
    expect(summarizeSearched(searched, p)).toBe(
      'microsoft-edge, microsoft-edge-stable on PATH, /opt/microsoft/msedge, /var/lib/flatpak/exports/bin, /home/dev/.local/share/flatpak/exports/bin',
    );
  });
});

describe('discoverBrowsers on macOS', () => {
  it('finds .app bundles in /Applications and ~/Applications', () => {
    const found = discoverBrowsers(
      probe('darwin', [
        '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        '/Users/dev/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
        '/Applications/Firefox.app/Contents/MacOS/firefox',
      ]),
    );
    expect(found.browsers.map((b) => [b.id, b.path])).toEqual([
      ['chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
      ['brave', '/Users/dev/Applications/Brave Browser.app/Contents/MacOS/Brave Browser'],
      ['firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'],
    ]);
    const none = probe('darwin', []);
    expect(summarizeSearched(discoverBrowsers(none, ['edge']).searched, none)).toBe(
      '/Applications/Microsoft Edge.app, /Users/dev/Applications/Microsoft Edge.app',
    );
  });
});

describe('discoverBrowsers on Windows', () => {
  const env = {
    ProgramFiles: 'C:\\Program Files',
    'ProgramFiles(x86)': 'C:\\Program Files (x86)',
    LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local',
  };

  it('finds Program Files and LocalAppData installs, then the App Paths registry keys', () => {
    const registered: Record<string, string> = { 'firefox.exe': 'D:\\Apps\\Firefox\\firefox.exe' };
    const found = discoverBrowsers(
      probe(
        'win32',
        [
          'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
          'C:\\Users\\dev\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
          'D:\\Apps\\Firefox\\firefox.exe',
        ],
        { env, appPath: (exe) => registered[exe] },
      ),
    );
    expect(found.browsers.map((b) => [b.id, b.path])).toEqual([
      ['chrome', 'C:\\Users\\dev\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe'],
      ['edge', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'],
      ['firefox', 'D:\\Apps\\Firefox\\firefox.exe'],
    ]);
    expect(found.searched).toContain('App Paths\\brave.exe');
  });

  it('ignores an App Paths value that is not an executable', () => {
    const found = discoverBrowsers(probe('win32', [], { env, appPath: () => 'C:\\gone\\chrome.exe' }));
    expect(found.browsers).toEqual([]);
  });
});
