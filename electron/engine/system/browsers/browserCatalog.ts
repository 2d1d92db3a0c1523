/**
 * The browsers NetLens knows how to launch, and where each one is installed on each OS.
 * Order matters: discovery lists browsers in this order, and within one browser the first
 * location found wins.
 */
import type { BrowserFamily, BrowserId } from '../../../../shared/browsers.js';

export interface BrowserCatalogEntry {
  id: BrowserId;
  name: string;
  family: BrowserFamily;
  /** Other names `--browser` accepts (Linux command names, Windows executable names). */
  aliases: string[];
  linux: {
    /** Command names looked up on PATH. */
    commands: string[];
    /** Absolute paths tried as well (/opt installs are often not on PATH). */
    paths: string[];
    snap?: string;
    flatpak?: string;
  };
  /** .app bundle names in /Applications and ~/Applications, and the executable inside Contents/MacOS. */
  mac: { apps: string[]; executable: string };
  /** Paths under Program Files, Program Files (x86) and LocalAppData; the App Paths registry key's name. */
  windows: { relative: string[]; appPathsExe: string };
}

export const BROWSER_CATALOG: readonly BrowserCatalogEntry[] = [
  {
    id: 'chromium',
    name: 'Chromium',
    family: 'chromium',
    aliases: ['chromium-browser'],
    linux: {
      commands: ['chromium', 'chromium-browser'],
      paths: [
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/usr/lib/chromium/chromium',
        '/snap/bin/chromium',
      ],
      snap: 'chromium',
      flatpak: 'org.chromium.Chromium',
    },
    mac: { apps: ['Chromium.app'], executable: 'Chromium' },
    windows: { relative: ['Chromium\\Application\\chrome.exe'], appPathsExe: 'chromium.exe' },
  },
  {
    id: 'chrome',
    name: 'Google Chrome',
    family: 'chromium',
    aliases: ['google-chrome', 'google-chrome-stable', 'chrome.exe'],
    linux: {
      commands: ['google-chrome', 'google-chrome-stable'],
      paths: ['/opt/google/chrome/google-chrome', '/opt/google/chrome/chrome'],
      flatpak: 'com.google.Chrome',
    },
    mac: { apps: ['Google Chrome.app'], executable: 'Google Chrome' },
    windows: { relative: ['Google\\Chrome\\Application\\chrome.exe'], appPathsExe: 'chrome.exe' },
  },
  {
    id: 'edge',
    name: 'Microsoft Edge',
    family: 'chromium',
    aliases: ['microsoft-edge', 'microsoft-edge-stable', 'msedge', 'msedge.exe'],
    linux: {
      commands: ['microsoft-edge', 'microsoft-edge-stable'],
      paths: ['/opt/microsoft/msedge/microsoft-edge', '/opt/microsoft/msedge/msedge'],
      flatpak: 'com.microsoft.Edge',
    },
    mac: { apps: ['Microsoft Edge.app'], executable: 'Microsoft Edge' },
    windows: { relative: ['Microsoft\\Edge\\Application\\msedge.exe'], appPathsExe: 'msedge.exe' },
  },
  {
    id: 'brave',
    name: 'Brave',
    family: 'chromium',
    aliases: ['brave-browser', 'brave-browser-stable', 'brave.exe'],
    linux: {
      commands: ['brave-browser', 'brave-browser-stable', 'brave'],
      paths: ['/opt/brave.com/brave/brave-browser', '/opt/brave.com/brave/brave', '/snap/bin/brave'],
      snap: 'brave',
      flatpak: 'com.brave.Browser',
    },
    mac: { apps: ['Brave Browser.app'], executable: 'Brave Browser' },
    windows: { relative: ['BraveSoftware\\Brave-Browser\\Application\\brave.exe'], appPathsExe: 'brave.exe' },
  },
  {
    id: 'firefox',
    name: 'Firefox',
    family: 'firefox',
    aliases: ['firefox-esr', 'firefox.exe', 'mozilla-firefox'],
    linux: {
      commands: ['firefox', 'firefox-esr'],
      paths: [
        '/usr/lib/firefox/firefox',
        '/usr/lib/firefox-esr/firefox-esr',
        '/opt/firefox/firefox',
        '/snap/bin/firefox',
      ],
      snap: 'firefox',
      flatpak: 'org.mozilla.firefox',
    },
    mac: {
      apps: ['Firefox.app', 'Firefox Developer Edition.app', 'Firefox Nightly.app'],
      executable: 'firefox',
    },
    windows: { relative: ['Mozilla Firefox\\firefox.exe'], appPathsExe: 'firefox.exe' },
  },
];

/** The catalog entry a `--browser` name means: an id, a display name or an alias (any case). */
export function catalogEntryNamed(name: string): BrowserCatalogEntry | undefined {
  const wanted = name.trim().toLowerCase();
  return BROWSER_CATALOG.find(
    (entry) =>
      entry.id === wanted ||
      entry.name.toLowerCase() === wanted ||
      entry.aliases.includes(wanted) ||
      entry.linux.commands.includes(wanted),
  );
}

export function catalogEntry(id: BrowserId): BrowserCatalogEntry {
  return BROWSER_CATALOG.find((entry) => entry.id === id)!;
}
