import { describe, expect, it } from 'vitest';
import { runWeb, type WebCommandDeps, type WebCommandOptions } from '@cli/webCommand.js';
import { CliError } from '@cli/cliError.js';
import type { WebServer } from '@engine/web/webServer.js';
import type { EngineOptions } from '@engine/engine.js';
import { createFakeEngine, type FakeEngine } from '@fixtures/fakeEngine.js';

const UI = 'http://127.0.0.1:4000/?token=abc';

function options(overrides: Partial<WebCommandOptions> = {}): WebCommandOptions {
  return {
    dataDir: '/tmp/netlens-fake',
    host: '127.0.0.1',
    port: 0,
    uiPort: 0,
    redact: false,
    json: false,
    settings: {},
    ...overrides,
  };
}

function harness(startUi?: WebCommandDeps['startUi']) {
  const out: string[] = [];
  const err: string[] = [];
  let engine: FakeEngine | undefined;
  let engineOptions: EngineOptions | undefined;
  let webClosed = 0;
  let signal: ((name: string) => void) | undefined;
  const web: WebServer = {
    host: '127.0.0.1',
    port: 4000,
    token: 'abc',
    origin: 'http://127.0.0.1:4000',
    uiUrl: UI,
    clientCount: 0,
    close: async () => {
      webClosed += 1;
    },
  };
  const deps: WebCommandDeps = {
    createEngine: async (o) => {
      engineOptions = o;
      engine = createFakeEngine();
      return engine;
    },
    redactExchange: (e) => e,
    findPortOwner: async () => undefined,
    startUi: startUi ?? (async () => web),
    out: (line) => {
      out.push(line);
      // Once the proxy and the UI are announced, stop (as Ctrl-C would).
      if (line.startsWith('NetLens UI at') || line.includes('"ui"')) setTimeout(() => signal?.('SIGINT'), 0);
    },
    err: (line) => err.push(line),
    onShutdownSignal: (handler) => {
      signal = handler;
      return () => undefined;
    },
  };
  return {
    deps,
    out,
    err,
    engine: () => engine,
    engineOptions: () => engineOptions,
    webClosed: () => webClosed,
  };
}

describe('runWeb', () => {
  it('prints the proxy lines, then the UI URL; closes the UI server and the engine; exits 0', async () => {
    const h = harness();
    expect(await runWeb(options(), h.deps)).toBe(0);
    expect(h.out).toEqual([
      'NetLens proxy listening on http://127.0.0.1:8899',
      'CA certificate: /tmp/netlens-fake/ca/netlens-ca.pem',
      `NetLens UI at ${UI}`,
    ]);
    expect(h.engineOptions()).toMatchObject({ mode: 'web', runMonitors: true });
    expect(h.webClosed()).toBe(1);
    expect(h.engine()!.closed).toBe(true);
  });

  it('adds "ui" to the --json listening line', async () => {
    const h = harness();
    expect(await runWeb(options({ json: true }), h.deps)).toBe(0);
    expect(JSON.parse(h.out[0]!)).toEqual({
      type: 'listening',
      proxy: 'http://127.0.0.1:8899',
      caCert: '/tmp/netlens-fake/ca/netlens-ca.pem',
      ui: UI,
    });
    expect(h.out).toHaveLength(1);
  });

  it('names the UI port when it is taken, and closes the engine', async () => {
    const h = harness(async () => {
      throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    });
    const run = runWeb(options({ uiPort: 4000 }), h.deps);
    await expect(run).rejects.toBeInstanceOf(CliError);
    await expect(run).rejects.toThrow('UI port 4000 on 127.0.0.1 is already in use');
    expect(h.engine()!.closed).toBe(true);
  });
});
