/** The application menu: File (sessions, HAR), Edit, View, Proxy, Help — with the platform's conventions. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { SystemProxyState } from '../../shared/systemProxy.js';
import type { SessionSummary } from '../../shared/session.js';
import { recentSessionsMenuItem } from './recentSessionsMenu.js';
import { systemProxyMenuItem } from './systemProxyMenuItem.js';

export interface MenuActions {
  openSession(): void;
  exportHar(redact: boolean): void;
  toggleTheme(): void;
  showAbout(): void;
  /** Undefined when there is no http(s) documentation URL to open. */
  openDocs?: () => void;
  /** The system-proxy switch (Proxy menu): its state, and what a click asks for. */
  systemProxy?: { state: SystemProxyState | undefined; set(on: boolean): void };
  /** File → Open Recent: the saved sessions (engine.sessions.list()), and reopening one. */
  recentSessions?: { sessions: readonly SessionSummary[]; open(id: string): void };
}

export interface MenuOptions {
  platform?: NodeJS.Platform;
  /** Offer Force Reload and Toggle Developer Tools (development only: main.ts decides). */
  devTools?: boolean;
}

export function buildAppMenu(actions: MenuActions, options: MenuOptions = {}): Menu {
  return Menu.buildFromTemplate(appMenuTemplate(actions, options));
}

export function appMenuTemplate(
  actions: MenuActions,
  options: MenuOptions = {},
): MenuItemConstructorOptions[] {
  const isMac = (options.platform ?? process.platform) === 'darwin';
  const developer: MenuItemConstructorOptions[] = options.devTools
    ? [{ role: 'forceReload' }, { role: 'toggleDevTools' }]
    : [];
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Session (HAR)…', accelerator: 'CmdOrCtrl+O', click: () => actions.openSession() },
        ...(actions.recentSessions
          ? [
              recentSessionsMenuItem(actions.recentSessions.sessions, {
                open: actions.recentSessions.open,
              }),
            ]
          : []),
        { type: 'separator' },
        { label: 'Save Session as HAR…', accelerator: 'CmdOrCtrl+S', click: () => actions.exportHar(false) },
        {
          label: 'Save Session as HAR (Redacted)…',
          accelerator: 'CmdOrCtrl+Shift+S',
          toolTip: 'Authorization, cookies, tokens and keys are replaced',
          click: () => actions.exportHar(true),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...developer,
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { label: 'Toggle Dark Theme', accelerator: 'CmdOrCtrl+Shift+T', click: () => actions.toggleTheme() },
        { role: 'togglefullscreen' },
      ],
    },
    ...(actions.systemProxy
      ? [
          {
            label: '&Proxy',
            submenu: [systemProxyMenuItem(actions.systemProxy.state, (on) => actions.systemProxy!.set(on))],
          },
        ]
      : []),
    ...(isMac ? [{ role: 'windowMenu' as const }] : []),
    {
      role: 'help',
      submenu: [
        ...(actions.openDocs ? [{ label: 'NetLens Documentation', click: actions.openDocs }] : []),
        { label: 'About NetLens', click: () => actions.showAbout() },
      ],
    },
  ];
}
