/** Browsers NetLens can launch preconfigured (DESIGN.md, Interception: `netlens browser`). */
export type BrowserFamily = 'chromium' | 'firefox';

/** Stable ids used by `--browser`, the API and as source kinds (`chromium#1`, `firefox#2`). */
export type BrowserId = 'chromium' | 'chrome' | 'edge' | 'brave' | 'firefox';

export const BROWSER_IDS: readonly BrowserId[] = ['chromium', 'chrome', 'edge', 'brave', 'firefox'];

export function isBrowserId(value: unknown): value is BrowserId {
  return typeof value === 'string' && (BROWSER_IDS as readonly string[]).includes(value);
}

/** How the browser is packaged, when it runs in a sandbox with its own view of the file system. */
export type BrowserPackaging = 'snap' | 'flatpak';

export interface BrowserInfo {
  id: BrowserId;
  /** Display name: `Chromium`, `Google Chrome`, `Microsoft Edge`, `Brave`, `Firefox`. */
  name: string;
  family: BrowserFamily;
  /** Executable path. */
  path: string;
  version?: string;
  /** Snap and Flatpak browsers cannot read /tmp: their throw-away profile goes under their own folder. */
  packaging?: BrowserPackaging;
  /** The snap name or Flatpak application id, with `packaging`. */
  packageId?: string;
}

export interface BrowserLaunchRequest {
  /** A BrowserInfo id, or an executable path. */
  browser: string;
  url?: string;
  headless?: boolean;
}

export interface LaunchedBrowser {
  browser: BrowserId;
  /** Display name, e.g. `Chromium`. */
  name: string;
  pid: number;
  /** The throw-away profile, removed when the browser exits. */
  profileDir: string;
  /** Its source label, e.g. `chromium#1`. */
  source: string;
  /** The proxy the browser was pointed at (its own source port). */
  proxyUrl: string;
}
