/**
 * What `--browser NAME|PATH` (and the API's `browser`) means: a name from the catalog (found by
 * discovery), or an executable identified by its file name, else by what its `--version` says.
 */
import path from 'node:path';
import type { BrowserInfo } from '../../../../shared/browsers.js';
import { BROWSER_CATALOG, catalogEntryNamed, type BrowserCatalogEntry } from './browserCatalog.js';
import {
  DEFAULT_BROWSER_PREFERENCE,
  discoverBrowsers,
  packagingOf,
  summarizeSearched,
  type DiscoveryProbe,
} from './browserDiscovery.js';

export type BrowserChoiceErrorCode = 'unknown_browser' | 'browser_not_found' | 'not_a_browser';

export class BrowserChoiceError extends Error {
  constructor(
    message: string,
    readonly code: BrowserChoiceErrorCode,
  ) {
    super(message);
    this.name = 'BrowserChoiceError';
  }
}

const SUPPORTED = 'Chromium, Google Chrome, Microsoft Edge, Brave or Firefox';
const NAMES = BROWSER_CATALOG.map((entry) => entry.id).join(', ');

/** The browser an executable's file name says it is (`google-chrome-stable`, `msedge.exe`, `Brave Browser`…). */
export function entryForExecutableName(file: string): BrowserCatalogEntry | undefined {
  const base = file
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replace(/\.exe$/, '');
  const byName = catalogEntryNamed(base);
  if (byName) return byName;
  if (/^(google-)?chrome(-stable|-beta|-unstable|-dev|-canary)?$/.test(base))
    return catalogEntryNamed('chrome');
  if (/^(microsoft-edge|msedge)(-stable|-beta|-dev)?$/.test(base)) return catalogEntryNamed('edge');
  if (/^brave(-browser)?(-stable|-beta|-nightly)?$/.test(base) || base === 'brave browser')
    return catalogEntryNamed('brave');
  if (/^chromium(-browser)?$/.test(base)) return catalogEntryNamed('chromium');
  if (/^firefox(-esr|-bin|-developer-edition|-nightly)?$/.test(base)) return catalogEntryNamed('firefox');
  return undefined;
}

/** The browser a `--version` line names (`Chromium 156.0…`, `Mozilla Firefox 153.8.0esr`, `Google Chrome 140…`). */
export function entryForVersionText(text: string): BrowserCatalogEntry | undefined {
  if (/\bGoogle Chrome\b/.test(text)) return catalogEntryNamed('chrome');
  if (/\bMicrosoft Edge\b/.test(text)) return catalogEntryNamed('edge');
  if (/\bBrave\b/.test(text)) return catalogEntryNamed('brave');
  if (/\bChromium\b/.test(text)) return catalogEntryNamed('chromium');
  if (/\bFirefox\b/.test(text)) return catalogEntryNamed('firefox');
  return undefined;
}

/** `1.2.3` out of a `--version` line. */
export function versionFromText(text: string): string | undefined {
  return /\b(\d+(?:\.\d+)+[a-z0-9]*)\b/.exec(text)?.[1];
}

function looksLikePath(choice: string): boolean {
  return /[\\/]/.test(choice) || /\.(exe|app)$/i.test(choice);
}

export interface BrowserChoiceOptions {
  probe: DiscoveryProbe;
  /** What `FILE --version` prints, for an executable whose name says nothing (undefined: unknown). */
  versionOf?: (file: string) => Promise<string | undefined>;
}

function notFound(what: string, searched: readonly string[], probe: DiscoveryProbe): BrowserChoiceError {
  return new BrowserChoiceError(
    `No ${what} found; looked for ${summarizeSearched(searched, probe)}.\nInstall one, or pass --browser with the path of its executable.`,
    'browser_not_found',
  );
}

export async function resolveBrowser(
  choice: string | undefined,
  options: BrowserChoiceOptions,
): Promise<BrowserInfo> {
  const { probe } = options;
  if (choice === undefined || choice.trim() === '') {
    const { browsers, searched } = discoverBrowsers(probe);
    for (const id of DEFAULT_BROWSER_PREFERENCE) {
      const found = browsers.find((browser) => browser.id === id);
      if (found) return found;
    }
    throw notFound(`supported browser (${SUPPORTED})`, searched, probe);
  }
  if (!looksLikePath(choice)) {
    const entry = catalogEntryNamed(choice);
    if (!entry) {
      throw new BrowserChoiceError(
        `Unknown browser "${choice}": use one of ${NAMES}, or the path of a ${SUPPORTED} executable.`,
        'unknown_browser',
      );
    }
    const { browsers, searched } = discoverBrowsers(probe, [entry.id]);
    if (browsers[0]) return browsers[0];
    throw notFound(entry.name, searched, probe);
  }
  return identifyExecutable(choice, options);
}

async function identifyExecutable(choice: string, options: BrowserChoiceOptions): Promise<BrowserInfo> {
  const { probe } = options;
  let file = choice;
  if (probe.platform === 'darwin' && /\.app\/?$/i.test(file)) {
    const app = path.posix.basename(file.replace(/\/$/, ''));
    const entry = BROWSER_CATALOG.find((candidate) => candidate.mac.apps.includes(app));
    if (!entry) throw new BrowserChoiceError(`${choice} is not ${SUPPORTED}.`, 'not_a_browser');
    file = path.posix.join(file, 'Contents', 'MacOS', entry.mac.executable);
  }
  if (!probe.isExecutable(file)) {
    throw new BrowserChoiceError(`${choice} is not an executable file.`, 'browser_not_found');
  }
  let entry = entryForExecutableName(file);
  let version: string | undefined;
  if (!entry && options.versionOf) {
    const text = await options.versionOf(file);
    if (text !== undefined) {
      entry = entryForVersionText(text);
      version = versionFromText(text);
    }
  }
  if (!entry) {
    throw new BrowserChoiceError(
      `${choice} is not a browser NetLens can launch (${SUPPORTED}, or one built on Chromium that says so in --version).`,
      'not_a_browser',
    );
  }
  const info: BrowserInfo = { id: entry.id, name: entry.name, family: entry.family, path: file };
  if (version) info.version = version;
  if (probe.platform === 'linux') Object.assign(info, packagingOf(file, entry, probe));
  return info;
}
