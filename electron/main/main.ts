/**
 * The Electron main process: one engine (the same createEngine the CLI uses, with the app's
 * data dir and the monitors running), one window, the IPC bridge, menus and notifications.
 * Everything that is not window/menu/dialog glue lives in the engine.
 */
import { app, dialog, Menu, nativeTheme, protocol, session, shell, type BrowserWindow } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import tls from 'node:tls';
import path from 'node:path';
import { createEngine, type Engine } from '../engine/engine.js';
import { createApiDispatcher } from '../engine/api/apiHandlers.js';
import { createEventBatcher, type EventBatcher } from '../engine/api/eventBatcher.js';
import { resolveDataDir } from '../engine/system/dataDir.js';
import type { EngineEvent } from '../../shared/api.js';
import type { SystemProxyState } from '../../shared/systemProxy.js';
import { parseAppArgs } from './appArgs.js';
import { hardenAllWebContents, hardenSession } from './security.js';
import { createMainWindow } from './window.js';
import { registerApiIpc, sendEvents } from './ipc.js';
import { buildAppMenu, type MenuActions } from './menu.js';
import type { SessionSummary } from '../../shared/session.js';
import { createTray, type NetlensTray } from './tray.js';
import { harSaveHandler, openHarWithDialog, saveHarWithDialog } from './harFiles.js';
import { notifyMonitorEvents } from './notifications.js';
import { safeExternalUrl } from './urlPolicy.js';
import { applyExtraCaCertificates } from './extraCaCertificates.js';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './appProtocol.js';

// dist/electron/main.cjs → dist/electron/preload.cjs and dist/renderer/ (served as app://netlens/).
const PRELOAD_PATH = path.join(__dirname, 'preload.cjs');
const RENDERER_DIR = path.join(__dirname, '..', 'renderer');
const SHUTDOWN_TIMEOUT_MS = 5000;
/** Giving the OS proxy back comes first at quit, and may take a few OS commands. */
const SYSTEM_PROXY_RESTORE_TIMEOUT_MS = 20_000;

app.setName('NetLens');
// The same folder the CLI uses by default (dataDir.ts), whatever package.json's name says.
app.setPath('userData', path.join(app.getPath('appData'), 'NetLens'));
const args = parseAppArgs(process.argv.slice(1));
// Before any TLS connection: the packaged app's fuses stop Node from reading it (extraCaCertificates.ts).
const extraCa = applyExtraCaCertificates(process.env, tls, (file) => readFileSync(file, 'utf8'));
if (extraCa.status === 'failed') console.error(`netlens: ${extraCa.message}`);
// DevTools are a development tool: in the shipped (packaged) app only with --devtools.
const allowDevTools = !app.isPackaged || args.devTools === true;
// Before `ready`, as Electron requires: the renderer's own origin (appProtocol.ts).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

let engine: Engine | undefined;
let mainWindow: BrowserWindow | undefined;
let batcher: EventBatcher | undefined;
let shutdown: 'running' | 'closing' | 'closed' = 'running';
let tray: NetlensTray | undefined;
let systemProxyState: SystemProxyState | undefined;
let menuActions: MenuActions | undefined;
/** File → Open Recent's sessions, as the engine last listed them. */
let recentSessions: SessionSummary[] = [];
// Notices the engine sends before the page can hear them (crash recovery at start): replayed on load.
let pageLoaded = false;
const earlyNotices: EngineEvent[] = [];

function focusWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** A notice in the UI's event stream (shown as a toast/status by the renderer). */
function notice(level: 'info' | 'warning' | 'error', message: string): void {
  batcher?.push({ type: 'notice', level, message });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The documentation URL from package.json (homepage), when it is http(s). */
function docsUrl(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(app.getAppPath(), 'package.json'), 'utf8')) as {
      homepage?: unknown;
    };
    return safeExternalUrl(manifest.homepage);
  } catch {
    return undefined;
  }
}

/** The window icon: beside the packaged app (extraResources), or in the source tree. */
function iconPath(): string | undefined {
  const candidates = [
    path.join(process.resourcesPath, 'icon.png'),
    path.join(app.getAppPath(), 'resources', 'icon.png'),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

async function exportFromMenu(redact: boolean): Promise<void> {
  if (!engine) return;
  try {
    const saved = await saveHarWithDialog(engine, mainWindow, { redact });
    if (saved) notice('info', `Saved the session${redact ? ' (redacted)' : ''} to ${saved.path}`);
  } catch (error) {
    dialog.showErrorBox('Export HAR failed', errorText(error));
  }
}

async function openFromMenu(): Promise<void> {
  if (!engine) return;
  try {
    const opened = await openHarWithDialog(engine, mainWindow);
    if (!opened) return;
    const { imported, skipped } = opened.summary;
    const skippedText = skipped.length > 0 ? `; skipped ${skipped.length} (${skipped[0]!.reason}…)` : '';
    notice(
      skipped.length > 0 ? 'warning' : 'info',
      `Imported ${imported} exchanges from ${opened.path}${skippedText}`,
    );
  } catch (error) {
    dialog.showErrorBox('Open session failed', errorText(error));
  }
}

function showAbout(): void {
  const info = engine?.info();
  const lines = [
    `Version ${app.getVersion()} (Electron ${process.versions.electron}, Node ${process.versions.node})`,
    info?.proxyUrl ? `Proxy: ${info.proxyUrl}` : 'Proxy: not listening',
    info ? `CA certificate: ${info.caCertPath}` : '',
    info ? `Data: ${info.dataDir}` : '',
  ].filter((line) => line !== '');
  void dialog.showMessageBox({
    type: 'info',
    title: 'About NetLens',
    message: 'NetLens',
    detail: lines.join('\n'),
  });
}

function rebuildMenu(): void {
  if (!menuActions) return;
  Menu.setApplicationMenu(
    buildAppMenu(
      {
        ...menuActions,
        systemProxy: systemProxySwitch(),
        recentSessions: { sessions: recentSessions, open: (id) => void openRecentSession(id) },
      },
      { devTools: allowDevTools },
    ),
  );
}

/** Lists the saved sessions again for Open Recent (at start, and when the session changes). */
async function refreshRecentSessions(): Promise<void> {
  if (!engine) return;
  try {
    recentSessions = await engine.sessions.list();
  } catch (error) {
    // The menu keeps the last list; the Sessions view shows the same failure with its reason.
    console.error(`netlens: listing the sessions failed: ${errorText(error)}`);
    return;
  }
  rebuildMenu();
}

async function openRecentSession(id: string): Promise<void> {
  if (!engine) return;
  try {
    const session = await engine.sessions.open(id);
    notice('info', `Opened session ${session.id} (${session.exchanges.toLocaleString('en-US')} exchanges).`);
  } catch (error) {
    dialog.showErrorBox('Open Recent', `Session ${id} could not be opened: ${errorText(error)}`);
  }
  void refreshRecentSessions();
}

/** The menu and the tray follow the system-proxy state. */
function showSystemProxyState(state: SystemProxyState | undefined): void {
  systemProxyState = state;
  rebuildMenu();
  tray?.update(state);
}

function systemProxySwitch(): NonNullable<MenuActions['systemProxy']> {
  return { state: systemProxyState, set: (on) => void setSystemProxy(on) };
}

async function setSystemProxy(on: boolean): Promise<void> {
  if (!engine) return;
  try {
    const change = await engine.systemProxy.set({ on });
    showSystemProxyState(change.state);
    notice('info', change.message);
  } catch (error) {
    dialog.showErrorBox('System proxy', errorText(error));
    showSystemProxyState(await engine.systemProxy.status().catch(() => systemProxyState));
  }
}

async function start(): Promise<void> {
  hardenAllWebContents(app);
  await app.whenReady();
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));

  // --data-dir, else NETLENS_HOME, else Electron's per-user dir (the CLI's default for "NetLens").
  const explicit = args.dataDir !== undefined || (process.env.NETLENS_HOME ?? '').trim() !== '';
  const dataDir = explicit ? resolveDataDir(args.dataDir) : app.getPath('userData');

  try {
    engine = await createEngine({ dataDir, mode: 'electron', runMonitors: true, rules: 'app' });
  } catch (error) {
    dialog.showErrorBox('NetLens could not start', `${errorText(error)}\n\nData directory: ${dataDir}`);
    app.exit(1);
    return;
  }
  const theEngine = engine;

  batcher = createEventBatcher((events: EngineEvent[]) => sendEvents(mainWindow, events));
  theEngine.on((event) => {
    batcher?.push(event);
    if (event.type === 'notice' && !pageLoaded) earlyNotices.push(event);
    if (event.type === 'systemProxy:changed') showSystemProxyState(event.state);
    if (event.type === 'session:changed') void refreshRecentSessions();
    notifyMonitorEvents(event, focusWindow);
  });

  const dispatch = createApiDispatcher(
    theEngine,
    harSaveHandler(theEngine, () => mainWindow),
  );
  registerApiIpc({ dispatch, getWindow: () => mainWindow, indexUrl: APP_INDEX_URL });

  const docs = docsUrl();
  menuActions = {
    openSession: () => void openFromMenu(),
    exportHar: (redact) => void exportFromMenu(redact),
    toggleTheme: () => {
      nativeTheme.themeSource = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
    },
    showAbout,
    ...(docs ? { openDocs: () => void shell.openExternal(docs) } : {}),
  };
  rebuildMenu();
  void refreshRecentSessions();

  const icon = iconPath();
  tray = createTray(icon, {
    showWindow: focusWindow,
    setSystemProxy: (on) => void setSystemProxy(on),
    quit: () => app.quit(),
  });
  mainWindow = createMainWindow({
    preloadPath: PRELOAD_PATH,
    indexUrl: APP_INDEX_URL,
    dataDir,
    devTools: allowDevTools,
    ...(icon ? { iconPath: icon } : {}),
  });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  mainWindow.webContents.once('did-finish-load', () => {
    pageLoaded = true;
    for (const event of earlyNotices.splice(0)) batcher?.push(event);
  });

  try {
    await theEngine.start();
  } catch (error) {
    // The window still opens: the user can read captured sessions and pick another port.
    const message = `The proxy did not start: ${errorText(error)}`;
    console.error(`netlens: ${message}`);
    mainWindow.webContents.once('did-finish-load', () => notice('error', message));
    void dialog.showMessageBox(mainWindow, { type: 'warning', title: 'NetLens', message });
  }
  showSystemProxyState(await theEngine.systemProxy.status().catch(() => undefined));
}

async function closeEngine(): Promise<void> {
  // The OS must not keep pointing at a NetLens that is quitting: this comes before the rest.
  if (engine && systemProxyState?.owner?.self) {
    await Promise.race([
      engine.systemProxy.set({ on: false }),
      new Promise((resolve) => setTimeout(resolve, SYSTEM_PROXY_RESTORE_TIMEOUT_MS).unref()),
    ]).catch((error: unknown) => console.error('netlens: restoring the system proxy failed:', error));
  }
  tray?.destroy();
  tray = undefined;
  batcher?.close();
  if (!engine) return;
  await Promise.race([
    engine.close(),
    new Promise((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref()),
  ]).catch((error: unknown) => console.error('netlens: closing the engine failed:', error));
}

if (!app.requestSingleInstanceLock()) {
  // Another NetLens owns the data dir and the proxy port: it gets focus (second-instance), we go.
  app.quit();
} else {
  app.on('second-instance', focusWindow);
  // Closing the window quits, on every platform: a proxy left running unseen would surprise.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutdown === 'closed') return;
    event.preventDefault();
    if (shutdown === 'closing') return;
    shutdown = 'closing';
    void closeEngine().finally(() => {
      shutdown = 'closed';
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  start().catch((error: unknown) => {
    dialog.showErrorBox('NetLens could not start', errorText(error));
    app.exit(1);
  });
}
