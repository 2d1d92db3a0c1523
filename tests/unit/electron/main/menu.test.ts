import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

// Never load the real 'electron' package here: outside Electron it tries to download the binary.
vi.mock('electron', () => ({ Menu: { buildFromTemplate: (template: unknown) => ({ template }) } }));

const { appMenuTemplate } = await import('@main/menu.js');

const actions = {
  openSession: () => undefined,
  exportHar: () => undefined,
  toggleTheme: () => undefined,
  showAbout: () => undefined,
};

function roles(template: MenuItemConstructorOptions[]): (string | undefined)[] {
  return template.flatMap((menu) => [
    menu.role,
    ...((menu.submenu ?? []) as MenuItemConstructorOptions[]).map((item) => item.role),
  ]);
}

describe('appMenuTemplate', () => {
  it('offers DevTools and Force Reload in development only', () => {
    expect(roles(appMenuTemplate(actions, { platform: 'linux', devTools: true }))).toEqual(
      expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']),
    );
    const shipped = roles(appMenuTemplate(actions, { platform: 'linux' }));
    expect(shipped).toContain('reload');
    expect(shipped).not.toContain('toggleDevTools');
    expect(shipped).not.toContain('forceReload');
  });

  it('follows the platform: an app menu on macOS, Quit in File elsewhere', () => {
    expect(roles(appMenuTemplate(actions, { platform: 'darwin' }))[0]).toBe('appMenu');
    expect(roles(appMenuTemplate(actions, { platform: 'win32' }))).toContain('quit');
  });
});
