import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiDispatcher } from '@engine/api/apiHandlers.js';
import { browserHandlers, type BrowserHandlerDeps } from '@engine/api/browserHandlers.js';
import type {
  BrowserLaunchOptions,
  LaunchedBrowserProcess,
} from '@engine/system/browsers/browserLauncher.js';
import { BrowserLaunchError } from '@engine/system/browsers/browserLauncher.js';
import { createFakeEngine } from '@fixtures/fakeEngine.js';
import { makeTestPki } from '@fixtures/certificates.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function engineWithCa() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-browser-handlers-'));
  dirs.push(dir);
  const certPath = path.join(dir, 'ca.pem');
  fs.writeFileSync(certPath, makeTestPki().ca.certPem);
  const engine = createFakeEngine();
  Object.defineProperty(engine, 'caCertPath', { value: certPath });
  return engine;
}

function deps(executables: string[], launch: BrowserHandlerDeps['launch']): BrowserHandlerDeps {
  const set = new Set(executables);
  return {
    probe: () => ({
      platform: 'linux',
      env: { PATH: '/usr/bin' },
      homeDir: '/home/dev',
      isExecutable: (f) => set.has(f),
      readHead: () => undefined,
    }),
    launch,
    version: async (file) => (file.includes('chromium') ? '156.0.1' : undefined),
  };
}

function fakeLaunch(calls: BrowserLaunchOptions[], exit: Promise<void>): BrowserHandlerDeps['launch'] {
  return async (options) => {
    calls.push(options);
    const exited = exit.then(() => ({ code: 0, signal: null, profileRemoved: true }));
    const launched: LaunchedBrowserProcess = {
      pid: 4242,
      profileDir: '/tmp/netlens-chromium-x',
      warnings: [],
      exited,
      stderrTail: () => '',
      stop: () => exited,
    };
    return launched;
  };
}

describe('browsers:list', () => {
  it('lists the browsers found, with versions', async () => {
    const engine = engineWithCa();
    const dispatch = createApiDispatcher(
      engine,
      browserHandlers(
        engine,
        deps(['/usr/bin/chromium', '/usr/bin/firefox'], fakeLaunch([], new Promise(() => undefined))),
      ),
    );
    expect(await dispatch('browsers:list', [])).toEqual({
      ok: true,
      value: [
        {
          id: 'chromium',
          name: 'Chromium',
          family: 'chromium',
          path: '/usr/bin/chromium',
          version: '156.0.1',
        },
        { id: 'firefox', name: 'Firefox', family: 'firefox', path: '/usr/bin/firefox' },
      ],
    });
  });
});

describe('browsers:launch', () => {
  it('opens a source listener, points the browser at it and closes it when the browser exits', async () => {
    const engine = engineWithCa();
    const calls: BrowserLaunchOptions[] = [];
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const dispatch = createApiDispatcher(
      engine,
      browserHandlers(engine, deps(['/usr/bin/chromium'], fakeLaunch(calls, exited))),
    );
    const result = await dispatch('browsers:launch', [
      { browser: 'chromium', url: 'localhost:3000', headless: true },
    ]);
    expect(result).toEqual({
      ok: true,
      value: {
        browser: 'chromium',
        name: 'Chromium',
        pid: 4242,
        profileDir: '/tmp/netlens-chromium-x',
        source: 'chromium#1',
        proxyUrl: 'http://127.0.0.1:41001',
      },
    });
    expect(calls[0]).toMatchObject({
      browser: { id: 'chromium', path: '/usr/bin/chromium' },
      proxy: { host: '127.0.0.1', port: 41001 },
      url: 'http://localhost:3000',
      headless: true,
    });
    expect(calls[0]!.ca.certPem).toContain('BEGIN CERTIFICATE');
    expect(engine.calls.filter((c) => c.method === 'sources.close')).toEqual([]);
    exit();
    await exited;
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.calls.filter((c) => c.method === 'sources.close')).toEqual([
      { method: 'sources.close', args: ['chromium#1'] },
    ]);
  });

  it('closes the source again when the launch fails, with the launcher’s message', async () => {
    const engine = engineWithCa();
    const dispatch = createApiDispatcher(
      engine,
      browserHandlers(
        engine,
        deps(['/usr/bin/firefox'], async () => {
          throw new BrowserLaunchError('certutil (the NSS tools) is not installed');
        }),
      ),
    );
    const result = await dispatch('browsers:launch', [{ browser: 'firefox' }]);
    expect(result).toEqual({
      ok: false,
      error: { code: 'browser_launch_failed', message: 'certutil (the NSS tools) is not installed' },
    });
    expect(engine.calls.filter((c) => c.method.startsWith('sources.')).map((c) => c.method)).toEqual([
      'sources.open',
      'sources.close',
    ]);
  });

  it('launches only browsers discovery found, never an arbitrary executable', async () => {
    const engine = engineWithCa();
    const calls: BrowserLaunchOptions[] = [];
    const dispatch = createApiDispatcher(
      engine,
      browserHandlers(
        engine,
        deps(['/usr/bin/chromium', '/tmp/evil/chromium'], fakeLaunch(calls, new Promise(() => undefined))),
      ),
    );
    const evil = await dispatch('browsers:launch', [{ browser: '/tmp/evil/chromium' }]);
    expect(evil).toMatchObject({ ok: false, error: { code: 'unknown_browser' } });
    expect(await dispatch('browsers:launch', [{ browser: '/usr/bin/chromium' }])).toMatchObject({ ok: true });
    const missing = await dispatch('browsers:launch', [{ browser: 'edge' }]);
    expect(missing).toMatchObject({ ok: false, error: { code: 'browser_not_found' } });
    const badUrl = await dispatch('browsers:launch', [
      { browser: 'chromium', url: '--remote-debugging-port=1' },
    ]);
    expect(badUrl).toMatchObject({ ok: false, error: { code: 'bad_argument' } });
    expect(await dispatch('browsers:launch', [{ browser: 'chromium', extra: 1 }])).toMatchObject({
      ok: false,
      error: { code: 'bad_argument' },
    });
    expect(calls).toHaveLength(1);
  });
});
