/**
 * Which proxy setting this machine's applications follow: the platform on macOS and Windows; on
 * Linux and the BSDs, the desktop (XDG_CURRENT_DESKTOP, else DESKTOP_SESSION) — the same
 * signal Chromium uses to choose between GSettings, kioslaverc and environment variables — and
 * the tool that writes it. Anything else has no system proxy NetLens can set: the message says
 * what was looked for and what to use instead.
 */
import type { SystemProxyBackend } from '../../../../shared/systemProxy.js';
import type { SystemProxyEnvironment } from './systemCommand.js';
import type { ProxyBackend } from './proxyBackend.js';
import { gnomeBackend } from './gnomeBackend.js';
import { kdeBackend, type KdeTools } from './kdeBackend.js';
import { macosBackend } from './macosBackend.js';
import { windowsBackend } from './windowsBackend.js';

export type BackendDetection = { backend: ProxyBackend } | { unsupported: string };

/** Desktops whose applications read GNOME's org.gnome.system.proxy. */
const GNOME_DESKTOPS = new Set([
  'gnome',
  'gnome-classic',
  'gnome-flashback',
  'unity',
  'x-cinnamon',
  'cinnamon',
  'budgie',
  'budgie-desktop',
  'pantheon',
  'mate',
  'deepin',
  'ukui',
]);
const GNOME_SESSIONS =
  /^(gnome|gnome-xorg|gnome-wayland|gnome-classic|ubuntu|ubuntu-wayland|cinnamon|mate|pantheon|budgie-desktop|unity)$/i;
const KDE_SESSIONS = /^(plasma|plasmawayland|plasmax11|kde-plasma|kde)$/i;

const ALTERNATIVES =
  'Point a terminal at NetLens with `netlens env`, or start a browser already pointed at it with `netlens browser`.';

function desktopOf(env: NodeJS.ProcessEnv): { family?: 'gnome' | 'kde'; seen: string } {
  const current = (env.XDG_CURRENT_DESKTOP ?? '').trim();
  const session = (env.DESKTOP_SESSION ?? '').trim();
  const seen = `XDG_CURRENT_DESKTOP=${current === '' ? '(unset)' : current}, DESKTOP_SESSION=${session === '' ? '(unset)' : session}`;
  const tokens = current
    .toLowerCase()
    .split(':')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  if (tokens.includes('kde') || env.KDE_FULL_SESSION === 'true') return { family: 'kde', seen };
  if (tokens.some((token) => GNOME_DESKTOPS.has(token))) return { family: 'gnome', seen };
  if (tokens.length === 0) {
    if (KDE_SESSIONS.test(session)) return { family: 'kde', seen };
    if (GNOME_SESSIONS.test(session)) return { family: 'gnome', seen };
  }
  return { seen };
}

function kdeTools(environment: SystemProxyEnvironment): KdeTools | undefined {
  const preferred = environment.env.KDE_SESSION_VERSION === '5' ? ['5', '6'] : ['6', '5'];
  for (const version of preferred) {
    const write = environment.which(`kwriteconfig${version}`);
    const read = environment.which(`kreadconfig${version}`);
    if (write && read) return { read: `kreadconfig${version}`, write: `kwriteconfig${version}` };
  }
  return undefined;
}

/** The backend for a known id, when its tool is here (restoring what a journal names). */
export function backendById(id: SystemProxyBackend, environment: SystemProxyEnvironment): BackendDetection {
  switch (id) {
    case 'gnome':
      return environment.which('gsettings')
        ? { backend: gnomeBackend() }
        : { unsupported: '`gsettings` is not on PATH (Debian/Ubuntu: apt install libglib2.0-bin).' };
    case 'kde': {
      const tools = kdeTools(environment);
      return tools
        ? { backend: kdeBackend(tools) }
        : { unsupported: 'neither kwriteconfig6/kreadconfig6 nor kwriteconfig5/kreadconfig5 is on PATH.' };
    }
    case 'macos': {
      const tool = environment.which('networksetup') ?? '/usr/sbin/networksetup';
      return environment.platform === 'darwin'
        ? { backend: macosBackend(tool) }
        : { unsupported: 'networksetup exists only on macOS.' };
    }
    case 'windows':
      return environment.platform === 'win32'
        ? { backend: windowsBackend() }
        : { unsupported: 'the Internet Settings registry exists only on Windows.' };
  }
}

export function detectBackend(environment: SystemProxyEnvironment): BackendDetection {
  if (environment.platform === 'darwin') return backendById('macos', environment);
  if (environment.platform === 'win32') return backendById('windows', environment);
  const desktop = desktopOf(environment.env);
  const lookedFor =
    'looked for a GNOME-based desktop (GNOME, Unity, Cinnamon, Budgie, Pantheon, MATE: gsettings) and KDE Plasma (kwriteconfig5/6)';
  if (desktop.family) {
    const found = backendById(desktop.family, environment);
    if ('backend' in found) return found;
    return {
      unsupported: `This is a ${desktop.family === 'gnome' ? 'GNOME-based' : 'KDE'} desktop (${desktop.seen}) but ${found.unsupported} ${ALTERNATIVES}`,
    };
  }
  return {
    unsupported: `No desktop whose proxy setting NetLens can change was found (${desktop.seen}; ${lookedFor}). ${ALTERNATIVES}`,
  };
}
