/** Browsers NetLens can launch preconfigured (DESIGN.md, Interception: `netlens browser`). */
export type BrowserFamily = 'chromium' | 'firefox';

export interface BrowserInfo {
  /** Stable id used by `--browser` and the API: `chromium`, `chrome`, `edge`, `brave`, `firefox`. */
  id: string;
  /** Display name: `Chromium`, `Google Chrome`... */
  name: string;
  family: BrowserFamily;
  /** Executable path. */
  path: string;
  version?: string;
}

export interface BrowserLaunchRequest {
  /** A BrowserInfo id, or an executable path. */
  browser: string;
  url?: string;
  headless?: boolean;
}

export interface LaunchedBrowser {
  browser: string;
  pid: number;
  /** The throw-away profile, removed when the browser exits. */
  profileDir: string;
  /** Its source label, e.g. `chromium#1`. */
  source: string;
}
