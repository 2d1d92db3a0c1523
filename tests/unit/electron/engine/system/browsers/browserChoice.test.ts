import { describe, expect, it } from 'vitest';
import {
  BrowserChoiceError,
  entryForExecutableName,
  entryForVersionText,
  resolveBrowser,
  versionFromText,
} from '@engine/system/browsers/browserChoice.js';
import type { DiscoveryProbe } from '@engine/system/browsers/browserDiscovery.js';

function linux(executables: string[]): DiscoveryProbe {
  const set = new Set(executables);
  return {
    platform: 'linux',
    env: { PATH: '/usr/bin' },
    homeDir: '/home/dev',
    isExecutable: (f) => set.has(f),
    readHead: () => undefined,
  };
}

async function failure(promise: Promise<unknown>): Promise<BrowserChoiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BrowserChoiceError) return error;
    throw error;
  }
  throw new Error('resolved');
}

describe('resolveBrowser', () => {
  const machine = linux(['/usr/bin/chromium', '/usr/bin/firefox', '/usr/bin/google-chrome']);

  it('prefers Chrome, then Chromium… when no browser is named', async () => {
    expect((await resolveBrowser(undefined, { probe: machine })).id).toBe('chrome');
    expect(
      (await resolveBrowser(undefined, { probe: linux(['/usr/bin/firefox', '/usr/bin/chromium']) })).id,
    ).toBe('chromium');
  });

  it('takes ids, display names and command names', async () => {
    expect((await resolveBrowser('firefox', { probe: machine })).path).toBe('/usr/bin/firefox');
    expect((await resolveBrowser('Google Chrome', { probe: machine })).path).toBe('/usr/bin/google-chrome');
    expect((await resolveBrowser('firefox-esr', { probe: machine })).id).toBe('firefox');
  });

  it('refuses an unknown name, naming the choices', async () => {
    const error = await failure(resolveBrowser('opera', { probe: machine }));
    expect(error.code).toBe('unknown_browser');
    expect(error.message).toBe(
      'Unknown browser "opera": use one of chromium, chrome, edge, brave, firefox, or the path of a Chromium, Google Chrome, Microsoft Edge, Brave or Firefox executable.',
    );
  });

  it('says where it looked when the named browser, or any browser, is not installed', async () => {
    const edge = await failure(resolveBrowser('edge', { probe: machine }));
    expect(edge.code).toBe('browser_not_found');
    expect(edge.message).toMatch(
      /^No Microsoft Edge found; looked for microsoft-edge, microsoft-edge-stable on PATH, \/opt\/microsoft\/msedge/,
    );
    const none = await failure(resolveBrowser(undefined, { probe: linux([]) }));
    expect(none.message).toMatch(
      /^No supported browser \(Chromium, Google Chrome, Microsoft Edge, Brave or Firefox\) found; looked for chromium, chromium-browser, google-chrome/,
    );
    expect(none.message.split('\n')).toHaveLength(2);
  });

  it('identifies an executable path by its name, else by its --version', async () => {
    const probe = linux(['/opt/custom/google-chrome-beta', '/opt/thorium/thorium', '/bin/ls']);
    expect(await resolveBrowser('/opt/custom/google-chrome-beta', { probe })).toEqual({
      id: 'chrome',
      name: 'Google Chrome',
      family: 'chromium',
      path: '/opt/custom/google-chrome-beta',
    });
    const versions: Record<string, string> = { '/opt/thorium/thorium': 'Chromium 130.0.6723.174 Thorium' };
    const thorium = await resolveBrowser('/opt/thorium/thorium', {
      probe,
      versionOf: async (f) => versions[f],
    });
    expect(thorium).toMatchObject({ id: 'chromium', family: 'chromium', version: '130.0.6723.174' });
    const ls = await failure(
      resolveBrowser('/bin/ls', { probe, versionOf: async () => 'ls (GNU coreutils) 9.1' }),
    );
    expect(ls.code).toBe('not_a_browser');
    expect(ls.message).toMatch(/^\/bin\/ls is not a browser NetLens can launch/);
    const missing = await failure(resolveBrowser('/nowhere/chromium', { probe }));
    expect(missing).toMatchObject({
      code: 'browser_not_found',
      message: '/nowhere/chromium is not an executable file.',
    });
  });

  it('opens a macOS .app bundle by its executable inside', async () => {
    const probe: DiscoveryProbe = {
      platform: 'darwin',
      env: {},
      homeDir: '/Users/dev',
      isExecutable: (f) => f === '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
      readHead: () => undefined,
    };
    expect((await resolveBrowser('/Applications/Brave Browser.app', { probe })).path).toBe(
      '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
    );
  });
});

describe('executable names and --version lines', () => {
  it('maps the names browsers install under', () => {
    const ids = [
      'chromium-browser',
      'google-chrome-stable',
      'chrome.exe',
      'msedge.exe',
      'microsoft-edge-beta',
      'brave-browser',
      'Brave Browser',
      'firefox-esr',
      'firefox.exe',
      'Google Chrome',
      'notepad.exe',
    ].map((name) => entryForExecutableName(`/x/${name}`)?.id);
    expect(ids).toEqual([
      'chromium',
      'chrome',
      'chrome',
      'edge',
      'edge',
      'brave',
      'brave',
      'firefox',
      'firefox',
      'chrome',
      undefined,
    ]);
  });

  it('reads the browser and its version from --version', () => {
    expect(entryForVersionText('Chromium 156.0.8078.129 built on Debian GNU/Linux 12 (bookworm)')?.id).toBe(
      'chromium',
    );
    expect(entryForVersionText('Mozilla Firefox 153.8.0esr')?.id).toBe('firefox');
    expect(entryForVersionText('Microsoft Edge 140.0.3485.54')?.id).toBe('edge');
    expect(versionFromText('Mozilla Firefox 153.8.0esr')).toBe('153.8.0esr');
    expect(versionFromText('Chromium 156.0.8078.129 built on Debian GNU/Linux 12 (bookworm)')).toBe(
      '156.0.8078.129',
    );
  });
});
