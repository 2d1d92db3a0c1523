/**
 * "Use NetLens as System Proxy": one checkbox, the same in the application menu and the tray,
 * following the engine's state (shared/systemProxy.ts). Checked while the OS proxy points at
 * NetLens; disabled where there is no desktop NetLens can set (the tooltip says why).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { SystemProxyState } from '../../shared/systemProxy.js';

export const SYSTEM_PROXY_LABEL = 'Use NetLens as System Proxy';

export function systemProxyMenuItem(
  state: SystemProxyState | undefined,
  toggle: (on: boolean) => void,
): MenuItemConstructorOptions {
  const usable = state !== undefined && (state.supported || state.active);
  const toolTip = !state
    ? 'Reading the system proxy setting…'
    : !usable
      ? (state.unsupportedReason ?? 'No desktop whose proxy setting NetLens can change was found.')
      : state.active
        ? `Now: ${state.current}. Unchecking restores: ${state.restore ?? 'the previous setting'}.`
        : `Now: ${state.current}. NetLens saves it and restores it exactly when you uncheck this or quit.`;
  return {
    id: 'system-proxy',
    label: SYSTEM_PROXY_LABEL,
    type: 'checkbox',
    checked: state?.active === true,
    enabled: usable,
    toolTip,
    click: (item) => toggle(item.checked),
  };
}
