/**
 * Finding installed browsers (DESIGN.md, Interception: `netlens browser`), apart from I/O: the
 * probe answers "is this an executable?" (and, on Windows, what the App Paths registry key
 * says), so the search itself is tested with a fake file system per OS.
 */
import path from 'node:path';
import type { BrowserId, BrowserInfo } from '../../../../shared/browsers.js';
import { BROWSER_CATALOG, type BrowserCatalogEntry } from './browserCatalog.js';

export interface DiscoveryProbe {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  isExecutable(file: string): boolean;
  /** The first bytes of a file as text: a wrapper script that starts a snap says so. */
  readHead(file: string): string | undefined;
  /** Windows: the default value of `App Paths\<exe>` (HKCU, then HKLM), when registered. */
  appPath?(exe: string): string | undefined;
}

export interface DiscoveryResult {
  browsers: BrowserInfo[];
  /** Where the search looked, in order (for "no browser found" errors). */
  searched: string[];
}

function flatpakExportDirs(homeDir: string): string[] {
  return [
    '/var/lib/flatpak/exports/bin',
    path.posix.join(homeDir, '.local', 'share', 'flatpak', 'exports', 'bin'),
  ];
}

/** Candidate executables of one browser on one OS, in the order they are tried. */
export function candidatePaths(entry: BrowserCatalogEntry, probe: DiscoveryProbe): string[] {
  if (probe.platform === 'darwin') {
    const bases = ['/Applications', path.posix.join(probe.homeDir, 'Applications')];
    return entry.mac.apps.flatMap((app) =>
      bases.map((base) => path.posix.join(base, app, 'Contents', 'MacOS', entry.mac.executable)),
    );
  }
  if (probe.platform === 'win32') {
    const bases = [probe.env.ProgramFiles, probe.env['ProgramFiles(x86)'], probe.env.LOCALAPPDATA].filter(
      (base): base is string => typeof base === 'string' && base !== '',
    );
    return entry.windows.relative.flatMap((relative) => bases.map((base) => path.win32.join(base, relative)));
  }
  const pathDirs = (probe.env.PATH ?? '').split(':').filter((dir) => dir !== '');
  const onPath = entry.linux.commands.flatMap((command) =>
    pathDirs.map((dir) => path.posix.join(dir, command)),
  );
  const flatpak = entry.linux.flatpak
    ? flatpakExportDirs(probe.homeDir).map((dir) => path.posix.join(dir, entry.linux.flatpak!))
    : [];
  return [...onPath, ...entry.linux.paths, ...flatpak];
}

/** What a found executable is: a snap (or a wrapper that starts one), a Flatpak export, or plain. */
export function packagingOf(
  file: string,
  entry: BrowserCatalogEntry,
  probe: Pick<DiscoveryProbe, 'readHead'>,
): Pick<BrowserInfo, 'packaging' | 'packageId'> {
  if (entry.linux.flatpak && file.includes('/flatpak/exports/bin/')) {
    return { packaging: 'flatpak', packageId: path.posix.basename(file) };
  }
  if (entry.linux.snap) {
    if (file.startsWith('/snap/bin/')) return { packaging: 'snap', packageId: path.posix.basename(file) };
    const head = probe.readHead(file);
    // Ubuntu's /usr/bin/chromium-browser and /usr/bin/firefox are scripts that run the snap.
    if (head?.startsWith('#!') && /\/snap\/bin\/|\bsnap run\b/.test(head)) {
      return { packaging: 'snap', packageId: entry.linux.snap };
    }
  }
  return {};
}

function infoOf(entry: BrowserCatalogEntry, file: string, probe: DiscoveryProbe): BrowserInfo {
  const info: BrowserInfo = { id: entry.id, name: entry.name, family: entry.family, path: file };
  if (probe.platform === 'linux' || probe.platform === 'freebsd')
    Object.assign(info, packagingOf(file, entry, probe));
  return info;
}

/** Every supported browser found, one per id (the first location found wins). */
export function discoverBrowsers(probe: DiscoveryProbe, only?: readonly BrowserId[]): DiscoveryResult {
  const browsers: BrowserInfo[] = [];
  const searched: string[] = [];
  for (const entry of BROWSER_CATALOG) {
    if (only && !only.includes(entry.id)) continue;
    let found: string | undefined;
    for (const candidate of candidatePaths(entry, probe)) {
      searched.push(candidate);
      if (probe.isExecutable(candidate)) {
        found = candidate;
        break;
      }
    }
    if (!found && probe.platform === 'win32' && probe.appPath) {
      searched.push(`App Paths\\${entry.windows.appPathsExe}`);
      const registered = probe.appPath(entry.windows.appPathsExe);
      if (registered && probe.isExecutable(registered)) found = registered;
    }
    if (found) browsers.push(infoOf(entry, found, probe));
  }
  return { browsers, searched };
}

/**
 * The searched locations, shortened for a one-line error: the command names looked up on PATH,
 * then the other folders once each, in order.
 */
export function summarizeSearched(
  searched: readonly string[],
  probe: Pick<DiscoveryProbe, 'platform' | 'env'>,
): string {
  const { platform } = probe;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const pathDirs = new Set(
    platform === 'win32' || platform === 'darwin' ? [] : (probe.env.PATH ?? '').split(':').filter(Boolean),
  );
  const commands: string[] = [];
  const folders: string[] = [];
  for (const item of searched) {
    if (item.startsWith('App Paths\\')) {
      if (!folders.includes('the App Paths registry keys')) folders.push('the App Paths registry keys');
      continue;
    }
    if (platform === 'darwin') {
      const app = item.replace(/\.app\/.*$/, '.app');
      if (!folders.includes(app)) folders.push(app);
      continue;
    }
    const folder = paths.dirname(item);
    if (pathDirs.has(folder)) {
      const name = paths.basename(item);
      if (!commands.includes(name)) commands.push(name);
    } else if (!folders.includes(folder)) {
      folders.push(folder);
    }
  }
  const onPath = commands.length > 0 ? [`${commands.join(', ')} on PATH`] : [];
  return [...onPath, ...folders].join(', ');
}

/** Which browser `netlens browser` starts when none is named: the first of these that is installed. */
export const DEFAULT_BROWSER_PREFERENCE: readonly BrowserId[] = [
  'chrome',
  'chromium',
  'edge',
  'brave',
  'firefox',
];
