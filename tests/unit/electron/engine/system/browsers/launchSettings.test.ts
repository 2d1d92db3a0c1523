/** The command lines and profile NetLens gives a browser, as data (docs/browsers.md explains each). */
import { describe, expect, it } from 'vitest';
import { chromiumArgs } from '@engine/system/browsers/chromiumArgs.js';
import {
  FIREFOX_ENVIRONMENT,
  firefoxArgs,
  firefoxPrefs,
  firefoxUserJs,
} from '@engine/system/browsers/firefoxProfile.js';
import { defaultProfileParent } from '@engine/system/browsers/browserLauncher.js';
import { normalizeBrowserUrl } from '@engine/system/browsers/browserUrl.js';
import { appPathsKeys, parseRegQueryDefault } from '@engine/system/browsers/registryAppPath.js';
import { systemFixture } from '@fixtures/fakeTrustEnvironment.js';

describe('chromiumArgs', () => {
  const base = {
    proxy: { host: '127.0.0.1', port: 41234 },
    spkiHash: 'xk2nGWYguJTuL7UJUJHQwVbU4LvFUcSVUCgt4KHUD+Y=',
    profileDir: '/tmp/netlens-chromium-abc',
    platform: 'linux' as const,
    runningAsRoot: false,
  };

  it('points at the proxy with loopback included, trusts the CA by SPKI, in a throw-away profile', () => {
    const args = chromiumArgs({ ...base, url: 'https://example.com/' });
    expect(args.slice(0, 4)).toEqual([
      '--proxy-server=http://127.0.0.1:41234',
      '--proxy-bypass-list=<-loopback>',
      '--ignore-certificate-errors-spki-list=xk2nGWYguJTuL7UJUJHQwVbU4LvFUcSVUCgt4KHUD+Y=',
      '--user-data-dir=/tmp/netlens-chromium-abc',
    ]);
    for (const flag of [
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--password-store=basic',
    ]) {
      expect(args).toContain(flag);
    }
    expect(args.find((a) => a.startsWith('--disable-features='))).toContain('OptimizationGuideOnDeviceModel');
    expect(args.at(-1)).toBe('https://example.com/');
    expect(args).not.toContain('--headless');
    expect(args).not.toContain('--no-sandbox');
  });

  it('adds --headless on request, --no-sandbox only as root on Linux, the mock keychain on macOS', () => {
    expect(chromiumArgs({ ...base, headless: true, runningAsRoot: true })).toEqual(
      expect.arrayContaining(['--headless', '--no-sandbox']),
    );
    const mac = chromiumArgs({ ...base, platform: 'darwin', runningAsRoot: true });
    expect(mac).toContain('--use-mock-keychain');
    expect(mac).not.toContain('--no-sandbox');
    expect(chromiumArgs({ ...base, proxy: { host: '::1', port: 9 } })[0]).toBe(
      '--proxy-server=http://[::1]:9',
    );
  });
});

describe('the Firefox profile', () => {
  it('writes a manual proxy for HTTP and HTTPS, nothing bypassed, localhost included', () => {
    const prefs = new Map(firefoxPrefs({ host: '127.0.0.1', port: 41234 }));
    expect(prefs.get('network.proxy.type')).toBe(1);
    expect(prefs.get('network.proxy.http')).toBe('127.0.0.1');
    expect(prefs.get('network.proxy.http_port')).toBe(41234);
    expect(prefs.get('network.proxy.ssl')).toBe('127.0.0.1');
    expect(prefs.get('network.proxy.ssl_port')).toBe(41234);
    expect(prefs.get('network.proxy.no_proxies_on')).toBe('');
    expect(prefs.get('network.proxy.allow_hijacking_localhost')).toBe(true);
    for (const off of [
      'toolkit.telemetry.enabled',
      'network.captive-portal-service.enabled',
      'app.normandy.enabled',
      'browser.shell.checkDefaultBrowser',
      'extensions.update.enabled',
      'datareporting.healthreport.uploadEnabled',
    ]) {
      expect(prefs.get(off), off).toBe(false);
    }
    expect(prefs.get('browser.startup.homepage_override.mstone')).toBe('ignore');
  });

  it('is a valid user.js: one user_pref line per pref, strings quoted', () => {
    const text = firefoxUserJs({ host: '127.0.0.1', port: 41234 });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\/\/ /);
    for (const line of lines.slice(1))
      expect(line).toMatch(/^user_pref\("[\w.@-]+", ("[^"]*"|-?\d+|true|false)\);$/);
    expect(text).toContain('user_pref("network.proxy.http", "127.0.0.1");');
    expect(text).toContain('user_pref("network.proxy.http_port", 41234);');
  });

  it('starts a new instance with that profile', () => {
    expect(firefoxArgs({ profileDir: '/tmp/p', url: 'http://localhost:3000', headless: true })).toEqual([
      '-profile',
      '/tmp/p',
      '-no-remote',
      '-new-instance',
      '-headless',
      'http://localhost:3000',
    ]);
    expect(FIREFOX_ENVIRONMENT).toEqual({ MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' });
  });
});

describe('profile folders', () => {
  it('go under the snap or Flatpak folder for sandboxed browsers, the temp folder otherwise', () => {
    const base = {
      id: 'chromium',
      name: 'Chromium',
      family: 'chromium',
      path: '/snap/bin/chromium',
    } as const;
    expect(defaultProfileParent({ ...base, packaging: 'snap', packageId: 'chromium' }, '/home/dev')).toBe(
      '/home/dev/snap/chromium/common/netlens-profiles',
    );
    expect(
      defaultProfileParent(
        { ...base, packaging: 'flatpak', packageId: 'org.chromium.Chromium' },
        '/home/dev',
      ),
    ).toBe('/home/dev/.var/app/org.chromium.Chromium/cache/netlens-profiles');
  });
});

describe('normalizeBrowserUrl', () => {
  it('keeps URLs, adds http:// to host:port and bare hosts, refuses what a browser would read as a flag', () => {
    expect(normalizeBrowserUrl('https://example.com/a?b')).toBe('https://example.com/a?b');
    expect(normalizeBrowserUrl('localhost:3000')).toBe('http://localhost:3000');
    expect(normalizeBrowserUrl('localhost:3000/x')).toBe('http://localhost:3000/x');
    expect(normalizeBrowserUrl('[::1]:8080')).toBe('http://[::1]:8080');
    expect(normalizeBrowserUrl('example.com')).toBe('http://example.com');
    expect(normalizeBrowserUrl('about:blank')).toBe('about:blank');
    for (const bad of [
      '--remote-debugging-port=9222',
      '',
      'javascript:alert(1)',
      'a b',
      'chrome://settings',
    ]) {
      expect(() => normalizeBrowserUrl(bad), bad).toThrow(/is not a URL/);
    }
  });
});

describe('Windows App Paths', () => {
  it('reads the default value of `reg query … /ve`, quoted, translated or to expand', () => {
    expect(appPathsKeys('chrome.exe')[0]).toBe(
      'HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\App Paths\\chrome.exe',
    );
    expect(parseRegQueryDefault(systemFixture('windows-reg-query-app-paths-chrome.txt'))).toBe(
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    );
    expect(parseRegQueryDefault(systemFixture('windows-reg-query-app-paths-firefox-de.txt'))).toBe(
      'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
    );
    expect(
      parseRegQueryDefault(systemFixture('windows-reg-query-app-paths-brave-expand.txt'), {
        LocalAppData: 'C:\\Users\\dev\\AppData\\Local',
      }),
    ).toBe('C:\\Users\\dev\\AppData\\Local\\BraveSoftware\\Brave-Browser\\Application\\brave.exe');
    expect(
      parseRegQueryDefault(
        '\r\nERROR: The system was unable to find the specified registry key or value.\r\n',
      ),
    ).toBe(undefined);
  });
});
