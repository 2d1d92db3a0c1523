import { describe, expect, it } from 'vitest';
import { detectBackend } from '@engine/system/systemProxy/desktopDetection.js';
import type { SystemProxyEnvironment } from '@engine/system/systemProxy/systemCommand.js';

function env(platform: NodeJS.Platform, vars: NodeJS.ProcessEnv, tools: string[]): SystemProxyEnvironment {
  return {
    platform,
    env: vars,
    which: (name) => (tools.includes(name) ? `/usr/bin/${name}` : undefined),
    run: async () => ({ stdout: '', stderr: '', code: 0 }),
  };
}

const id = (detection: ReturnType<typeof detectBackend>): string =>
  'backend' in detection ? detection.backend.id : `unsupported: ${detection.unsupported}`;

describe('which proxy setting the applications follow', () => {
  it('GNOME and the desktops that share its setting', () => {
    for (const desktop of [
      'GNOME',
      'ubuntu:GNOME',
      'Unity',
      'X-Cinnamon',
      'Budgie:GNOME',
      'Pantheon',
      'MATE',
    ]) {
      expect(id(detectBackend(env('linux', { XDG_CURRENT_DESKTOP: desktop }, ['gsettings'])))).toBe('gnome');
    }
    expect(id(detectBackend(env('linux', { DESKTOP_SESSION: 'ubuntu' }, ['gsettings'])))).toBe('gnome');
  });

  it('KDE Plasma with kwriteconfig6, or 5 in a Plasma 5 session', () => {
    const both = ['kwriteconfig5', 'kreadconfig5', 'kwriteconfig6', 'kreadconfig6'];
    const kde6 = detectBackend(env('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, both));
    expect('backend' in kde6 && kde6.backend.label).toBe('KDE Plasma (kwriteconfig6)');
    const kde5 = detectBackend(env('linux', { XDG_CURRENT_DESKTOP: 'KDE', KDE_SESSION_VERSION: '5' }, both));
    expect('backend' in kde5 && kde5.backend.label).toBe('KDE Plasma (kwriteconfig5)');
    expect(id(detectBackend(env('linux', { DESKTOP_SESSION: 'plasma' }, both)))).toBe('kde');
  });

  it('macOS and Windows by platform', () => {
    expect(id(detectBackend(env('darwin', {}, [])))).toBe('macos');
    expect(id(detectBackend(env('win32', {}, [])))).toBe('windows');
  });

  it('no supported desktop: says what it looked for and what to use instead', () => {
    const none = detectBackend(
      env('linux', { XDG_CURRENT_DESKTOP: 'XFCE', DESKTOP_SESSION: 'xfce' }, ['gsettings']),
    );
    expect(id(none)).toBe(
      'unsupported: No desktop whose proxy setting NetLens can change was found (XDG_CURRENT_DESKTOP=XFCE, DESKTOP_SESSION=xfce; looked for a GNOME-based desktop (GNOME, Unity, Cinnamon, Budgie, Pantheon, MATE: gsettings) and KDE Plasma (kwriteconfig5/6)). Point a terminal at NetLens with `netlens env`, or start a browser already pointed at it with `netlens browser`.',
    );
    const headless = detectBackend(env('linux', {}, []));
    expect(id(headless)).toMatch(/XDG_CURRENT_DESKTOP=\(unset\), DESKTOP_SESSION=\(unset\)/);
  });

  it('the desktop without its tool names the package', () => {
    expect(id(detectBackend(env('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, [])))).toMatch(
      /GNOME-based desktop.*`gsettings` is not on PATH \(Debian\/Ubuntu: apt install libglib2\.0-bin\).*netlens env/,
    );
    expect(id(detectBackend(env('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, ['kwriteconfig5'])))).toMatch(
      /KDE desktop.*neither kwriteconfig6/,
    );
  });
});
