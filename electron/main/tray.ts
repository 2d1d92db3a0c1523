/**
 * The tray icon: NetLens keeps running there, with the system-proxy switch one click away
 * (Charles and Proxyman users expect it in the menu bar). Its menu is rebuilt when the state
 * changes; the icon is the app's own, scaled to the tray's size.
 */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { SystemProxyState } from '../../shared/systemProxy.js';
import { systemProxyMenuItem } from './systemProxyMenuItem.js';

export interface TrayActions {
  showWindow(): void;
  setSystemProxy(on: boolean): void;
  quit(): void;
}

export interface NetlensTray {
  update(state: SystemProxyState | undefined): void;
  destroy(): void;
}

export function trayMenuTemplate(
  state: SystemProxyState | undefined,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  return [
    { label: 'Show NetLens', click: () => actions.showWindow() },
    { type: 'separator' },
    systemProxyMenuItem(state, (on) => actions.setSystemProxy(on)),
    { type: 'separator' },
    { label: 'Quit NetLens', click: () => actions.quit() },
  ];
}

/** Creates the tray icon; undefined when the desktop has no tray (the menu item still works). */
export function createTray(
  iconPath: string | undefined,
  actions: TrayActions,
  platform: NodeJS.Platform = process.platform,
): NetlensTray | undefined {
  let tray: Tray;
  try {
    const size = platform === 'darwin' ? 16 : 22;
    const image = iconPath ? nativeImage.createFromPath(iconPath) : nativeImage.createEmpty();
    tray = new Tray(image.isEmpty() ? image : image.resize({ width: size, height: size }));
  } catch (error) {
    console.error('netlens: no tray icon:', error);
    return undefined;
  }
  tray.setToolTip('NetLens');
  tray.on('click', () => actions.showWindow());
  const update = (state: SystemProxyState | undefined): void => {
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, actions)));
    tray.setToolTip(state?.active ? 'NetLens — system proxy on' : 'NetLens');
  };
  update(undefined);
  return { update, destroy: () => tray.destroy() };
}
