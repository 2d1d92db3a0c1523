/**
 * The one main window: secure webPreferences, size and position restored from and saved to
 * the data dir.
 */
import { BrowserWindow, nativeTheme, screen } from 'electron';
import { loadWindowState, saveWindowState, MIN_HEIGHT, MIN_WIDTH, type WindowState } from './windowState.js';

export interface MainWindowOptions {
  preloadPath: string;
  /** `app://netlens/index.html` (appProtocol.ts). */
  indexUrl: string;
  dataDir: string;
  iconPath?: string;
  /** DevTools can be opened (development only: main.ts decides). */
  devTools: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const state = loadWindowState(options.dataDir, workAreas);
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: 'NetLens',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1e1e' : '#ffffff',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Off in the shipped app: DevTools would let anyone at the keyboard script the page.
      devTools: options.devTools,
    },
  });

  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });

  let saveTimer: NodeJS.Timeout | undefined;
  const currentState = (): WindowState => {
    const bounds = window.getNormalBounds();
    return { ...bounds, maximized: window.isMaximized() };
  };
  const save = (): void => {
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    saveWindowState(options.dataDir, currentState()).catch((error: unknown) => {
      console.error('netlens: could not save the window size:', error);
    });
  };
  const saveSoon = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 500);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', () => {
    if (saveTimer) clearTimeout(saveTimer);
    save();
  });

  void window.loadURL(options.indexUrl);
  return window;
}
