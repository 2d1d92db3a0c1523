/**
 * The main process wired end to end with Electron and the engine replaced by fakes: the
 * window's webPreferences, the renderer served on app://netlens (not file:), DevTools absent
 * from the shipped (packaged) app, the IPC bridge serving the API (sender-checked), har:save
 * being served, events reaching the window in batches, monitor notifications, and before-quit
 * closing the engine. (The real Electron binary cannot run in CI; this proves the wiring.)
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { EngineEvent } from '@shared/api.js';
import { createFakeEngine, type FakeEngine } from '@fixtures/fakeEngine.js';

type Listener = (...args: unknown[]) => unknown;

const state = vi.hoisted(() => ({
  appEvents: new Map<string, ((...args: unknown[]) => unknown)[]>(),
  ipcHandlers: new Map<string, (...args: unknown[]) => unknown>(),
  windows: [] as { options: Record<string, unknown>; sent: [string, unknown][]; loaded: string[] }[],
  windowInstances: [] as { webContents: unknown }[],
  notifications: [] as { title: string; body: string }[],
  engine: undefined as unknown,
  engineOptions: undefined as unknown,
  quitCalls: 0,
  menuSet: false,
  menu: undefined as { template: { label?: string; submenu?: { role?: string }[] }[] } | undefined,
  schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
  schemesRegisteredBeforeReady: false,
  ready: false,
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  appMenu: undefined as unknown,
  trays: [] as { menus: unknown[]; toolTips: string[]; destroyed: boolean }[],
}));

vi.mock('@engine/engine.js', () => ({
  createEngine: async (options: unknown) => {
    state.engineOptions = options;
    return state.engine;
  },
}));

vi.mock('electron', async () => {
  // Mock factories run before the imports: fetch what they need themselves.
  const { EventEmitter } = await import('node:events');
  const on = (name: string, listener: (...args: unknown[]) => unknown) => {
    const list = state.appEvents.get(name) ?? [];
    list.push(listener);
    state.appEvents.set(name, list);
  };
  class BrowserWindow extends EventEmitter {
    webContents: InstanceType<typeof EventEmitter> & {
      send: (channel: string, payload: unknown) => void;
      isDestroyed: () => boolean;
    };
    record: { options: Record<string, unknown>; sent: [string, unknown][]; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      super();
      this.record = { options, sent: [], loaded: [] };
      state.windows.push(this.record);
      state.windowInstances.push(this);
      const contents = new EventEmitter() as BrowserWindow['webContents'];
      contents.send = (channel: string, payload: unknown) => {
        this.record.sent.push([channel, payload]);
      };
      contents.isDestroyed = () => false;
      this.webContents = contents;
    }
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    static fromWebContents() {
      return null;
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    isMaximized() {
      return false;
    }
    isFullScreen() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1280, height: 800 };
    }
    maximize() {}
    show() {}
    focus() {}
    restore() {}
  }
  const session = {
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    setDevicePermissionHandler: () => undefined,
    webRequest: { onBeforeRequest: () => undefined, onHeadersReceived: () => undefined },
  };
  return {
    app: {
      setName: () => undefined,
      setPath: () => undefined,
      getPath: (name: string) => `/tmp/netlens-main-test/${name}`,
      getAppPath: () => '/tmp/netlens-main-test/app',
      getVersion: () => '0.1.0',
      // The shipped app: DevTools must be off.
      isPackaged: true,
      requestSingleInstanceLock: () => true,
      on,
      whenReady: () => {
        state.ready = true;
        return Promise.resolve();
      },
      quit: () => {
        state.quitCalls += 1;
        for (const listener of state.appEvents.get('before-quit') ?? [])
          listener({ preventDefault: () => undefined });
      },
      exit: () => undefined,
    },
    BrowserWindow,
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: typeof state.menu) => {
        state.menuSet = true;
        state.menu = menu;
        state.appMenu = menu;
      },
    },
    Tray: class {
      record = { menus: [] as unknown[], toolTips: [] as string[], destroyed: false };
      constructor() {
        state.trays.push(this.record);
      }
      setContextMenu(menu: unknown) {
        this.record.menus.push(menu);
      }
      setToolTip(text: string) {
        this.record.toolTips.push(text);
      }
      on() {}
      destroy() {
        this.record.destroyed = true;
      }
    },
    nativeImage: {
      createFromPath: () => ({ isEmpty: () => true }),
      createEmpty: () => ({ isEmpty: () => true }),
    },
    Notification: class {
      static isSupported() {
        return true;
      }
      constructor(readonly options: { title: string; body: string }) {}
      on() {}
      show() {
        state.notifications.push(this.options);
      }
    },
    dialog: {
      showErrorBox: () => undefined,
      showMessageBox: async () => ({ response: 0 }),
      showSaveDialog: async () => ({ canceled: true, filePath: '' }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    },
    ipcMain: {
      handle: (channel: string, handler: (...args: unknown[]) => unknown) =>
        state.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => state.ipcHandlers.delete(channel),
    },
    nativeTheme: { shouldUseDarkColors: false, themeSource: 'system' },
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof state.schemes) => {
        state.schemes.push(...schemes);
        state.schemesRegisteredBeforeReady = !state.ready;
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        state.protocolHandlers.set(scheme, handler),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: { defaultSession: session },
    shell: { openExternal: async () => undefined },
  };
});

const engine: FakeEngine = createFakeEngine([], 'electron');
state.engine = engine;
(process as unknown as { resourcesPath: string }).resourcesPath = '/tmp/netlens-main-test/resources';
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

await import('@main/main.js');
await vi.waitFor(() => expect(state.windows).toHaveLength(1));
await vi.waitFor(() => expect(engine.calls.some((c) => c.method === 'start')).toBe(true));

afterAll(() => {
  // main.ts listens for signals to quit Electron; the test worker must not keep them.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
    }
  }
});

function window() {
  return state.windows[0]!;
}

describe('the Electron main process', () => {
  it('starts the engine in electron mode with the monitors running', () => {
    expect(state.engineOptions).toMatchObject({ mode: 'electron', runMonitors: true });
    expect(state.menuSet).toBe(true);
  });

  it('opens one window with the secure webPreferences, loading the built index.html', () => {
    const prefs = window().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
  });

  // Issue 11.14: the page came from file:, which was allowed for any path.
  it('serves the renderer on app://netlens, a privileged scheme registered before ready, not from file:', async () => {
    expect(window().loaded).toEqual(['app://netlens/index.html']);
    expect(state.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(state.schemesRegisteredBeforeReady).toBe(true);
    const handler = state.protocolHandlers.get('app');
    expect(handler).toBeTypeOf('function');
    expect((await handler!(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  // Issue 11.14: DevTools were in the shipped menu.
  it('ships without DevTools: not in the menu, not openable in the window', () => {
    const prefs = window().options.webPreferences as Record<string, unknown>;
    expect(prefs.devTools).toBe(false);
    const roles = (state.menu?.template ?? []).flatMap((menu) =>
      (menu.submenu ?? []).map((item) => item.role),
    );
    expect(roles).toContain('reload');
    expect(roles).not.toContain('toggleDevTools');
    expect(roles).not.toContain('forceReload');
  });

  it('serves the API over IPC to our page only, har:save included', async () => {
    const handler = [...state.ipcHandlers.values()][0]!;
    const page = String(window().loaded[0]);
    const contents = state.windowInstances[0]!.webContents;
    const trusted = { sender: contents, senderFrame: { url: `${page}#/traffic`, parent: null } };
    expect(await handler(trusted, 'app:info', [])).toMatchObject({ ok: true, value: { mode: 'electron' } });
    // The save dialog is cancelled (mock): null, and nothing written.
    expect(await handler(trusted, 'har:save', [{ redact: true }])).toEqual({ ok: true, value: null });
    expect(await handler(trusted, 'capture:set', ['no'])).toMatchObject({
      ok: false,
      error: { code: 'bad_argument' },
    });
    const foreignPage = { sender: contents, senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await handler(foreignPage, 'app:info', [])).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const otherContents = { sender: {}, senderFrame: { url: page, parent: null } };
    expect(await handler(otherContents, 'app:info', [])).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('sends engine events to the window in batches and notifies monitor state changes', async () => {
    const before = window().sent.length;
    for (let i = 0; i < 10; i += 1) engine.emit({ type: 'notice', level: 'info', message: `n${i}` });
    engine.emit({
      type: 'monitor:event',
      payload: {
        kind: 'state',
        monitorId: 'm',
        name: 'Auth API',
        from: 'up',
        to: 'down',
        atMs: 1,
        message: 'refused',
      },
    });
    await vi.waitFor(() => expect(window().sent.length).toBeGreaterThan(before));
    const batches = window().sent.slice(before);
    expect(batches).toHaveLength(1);
    expect(batches[0]![0]).toBe('events:batch');
    expect((batches[0]![1] as EngineEvent[]).length).toBe(11);
    expect(state.notifications).toEqual([{ title: 'NetLens: Auth API is down', body: 'refused' }]);
  });

  it('has the system-proxy switch in the tray and the Proxy menu, following the engine', async () => {
    type Item = {
      id?: string;
      label?: string;
      checked?: boolean;
      submenu?: Item[];
      click?: (item: Item) => void;
    };
    const switchIn = (items: Item[]): Item | undefined =>
      items.flatMap((item) => [item, ...(item.submenu ?? [])]).find((item) => item.id === 'system-proxy');
    const trayItems = () => (state.trays[0]!.menus.at(-1) as { template: Item[] }).template;
    const menuItems = () => (state.appMenu as { template: Item[] }).template;
    await vi.waitFor(() => expect(switchIn(trayItems())?.checked).toBe(false));
    expect(switchIn(menuItems())).toMatchObject({ label: 'Use NetLens as System Proxy', checked: false });
    expect(trayItems().map((item) => item.label)).toEqual([
      'Show NetLens',
      undefined,
      'Use NetLens as System Proxy',
      undefined,
      'Quit NetLens',
    ]);

    // A click asks the engine; its systemProxy:changed event checks the box in both places.
    switchIn(trayItems())!.click!({ checked: true });
    await vi.waitFor(() => expect(switchIn(trayItems())?.checked).toBe(true));
    expect(engine.calls.filter((c) => c.method === 'systemProxy.set').map((c) => c.args)).toEqual([
      [{ on: true }],
    ]);
    expect(switchIn(menuItems())?.checked).toBe(true);
    expect(state.trays[0]!.toolTips.at(-1)).toBe('NetLens — system proxy on');
  });

  it('closes the engine before quitting', async () => {
    const listeners = state.appEvents.get('before-quit') ?? [];
    const prevented: boolean[] = [];
    for (const listener of listeners)
      listener({ preventDefault: () => prevented.push(true) } as unknown as Listener);
    expect(prevented).toEqual([true]);
    await vi.waitFor(() => expect(engine.closed).toBe(true));
    await vi.waitFor(() => expect(state.quitCalls).toBeGreaterThan(0));
    // The system proxy it had set was given back first, and the tray is gone.
    const calls = engine.calls.map((c) => c.method);
    expect(calls.lastIndexOf('systemProxy.set')).toBeLessThan(calls.lastIndexOf('close'));
    expect(engine.calls.filter((c) => c.method === 'systemProxy.set').at(-1)?.args).toEqual([{ on: false }]);
    expect(state.trays[0]!.destroyed).toBe(true);
  });
});
