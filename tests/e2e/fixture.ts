/**
 * The one end-to-end fixture every e2e test uses: an origin server on 127.0.0.1, NetLens in web
 * mode as a user starts it (`netlens web`, harness.ts), Debian's Chromium with one page on the
 * UI, and the page helpers the tests share. `useE2e()` registers its start and stop with the
 * test file's hooks; a file's own beforeAll runs after it, with everything up.
 */
import http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { launchBrowser, startWebApp, type StartWebAppOptions, type WebApp } from './harness.js';
import { closeServer, listenOnLoopback, requestViaProxy, type ProxiedResponse } from './upstream.js';

export { closedPort, type ProxiedResponse } from './upstream.js';

/** How long a test waits for the UI to show something (a real signal, bounded). */
export const WAIT_MS = 15_000;

export interface E2eOptions {
  /** The origin server's handler; by default every request gets 200 `ok`. */
  upstream?: http.RequestListener;
  /** Options of `netlens web` (extra arguments, a data dir). */
  app?: StartWebAppOptions;
  /** The page's viewport and pixel ratio (default 1400×900 at 1). */
  page?: Pick<BrowserContextOptions, 'viewport' | 'deviceScaleFactor'>;
  /** Let the page read and write the clipboard (Copy as cURL). */
  clipboard?: boolean;
  /** Open the UI before the tests (default true). */
  openUi?: boolean;
}

export interface E2e {
  readonly app: WebApp;
  readonly browser: Browser;
  readonly page: Page;
  /** `http://127.0.0.1:PORT` of the origin server. */
  readonly origin: string;
  readonly upstreamPort: number;
  /** Uncaught errors of the page so far: a test ends by expecting none. */
  readonly pageErrors: string[];
  /** A request through the NetLens proxy; a path is taken on the origin server. */
  viaProxy(
    pathOrUrl: string,
    options?: { method?: string; body?: string; headers?: http.OutgoingHttpHeaders },
  ): Promise<ProxiedResponse>;
  /** Opens a view from the navigation, by its label. */
  openView(label: string): Promise<void>;
  /** The traffic list's rows (one per exchange shown). */
  rows(): Locator;
  /** Waits until the traffic list shows exactly `count` rows. */
  waitForRows(count: number): Promise<void>;
  /** The detail pane of the selected exchange. */
  detail(): Locator;
  /** A screenshot to $NETLENS_E2E_SCREENSHOTS/NAME.png when that variable is set. */
  screenshot(name: string): Promise<void>;
}

const ROWS_SELECTOR = '[role="grid"][aria-label="Exchanges"] [role="row"][data-id]';

class Fixture implements E2e {
  app!: WebApp;
  browser!: Browser;
  page!: Page;
  origin = '';
  upstreamPort = 0;
  readonly pageErrors: string[] = [];
  private server: http.Server | undefined;

  constructor(private readonly options: E2eOptions) {}

  async start(): Promise<void> {
    this.server = http.createServer(this.options.upstream ?? ((_req, res) => res.end('ok')));
    this.upstreamPort = await listenOnLoopback(this.server);
    this.origin = `http://127.0.0.1:${this.upstreamPort}`;
    this.app = await startWebApp(this.options.app);
    this.browser = await launchBrowser();
    const context = await this.browser.newContext({
      viewport: { width: 1400, height: 900 },
      ...this.options.page,
    });
    if (this.options.clipboard)
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: new URL(this.app.uiUrl).origin,
      });
    this.page = await context.newPage();
    this.page.on('pageerror', (error) => this.pageErrors.push(error.message));
    if (this.options.openUi ?? true) {
      await this.page.goto(this.app.uiUrl);
      await this.page.getByRole('navigation', { name: 'Views' }).waitFor({ timeout: WAIT_MS });
    }
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    this.server?.closeAllConnections();
    await closeServer(this.server);
    await this.app?.stop();
  }

  viaProxy(
    pathOrUrl: string,
    options: { method?: string; body?: string; headers?: http.OutgoingHttpHeaders } = {},
  ): Promise<ProxiedResponse> {
    const url = pathOrUrl.startsWith('/') ? `${this.origin}${pathOrUrl}` : pathOrUrl;
    return requestViaProxy(this.app.proxyUrl, url, options);
  }

  async openView(label: string): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: label, exact: true })
      .click();
  }

  rows(): Locator {
    return this.page.locator(ROWS_SELECTOR);
  }

  async waitForRows(count: number): Promise<void> {
    await this.page.waitForFunction(
      ({ selector, n }) => document.querySelectorAll(selector).length === n,
      { selector: ROWS_SELECTOR, n: count },
      { timeout: WAIT_MS },
    );
  }

  detail(): Locator {
    return this.page.getByRole('complementary', { name: 'Exchange detail' });
  }

  async screenshot(name: string): Promise<void> {
    const dir = process.env.NETLENS_E2E_SCREENSHOTS;
    if (dir) await this.page.screenshot({ path: `${dir}/${name}.png` });
  }
}

/** Starts the fixture before the file's tests and stops it (by PID, data dir removed) after. */
export function useE2e(options: E2eOptions = {}): E2e {
  const fixture = new Fixture(options);
  beforeAll(() => fixture.start());
  afterAll(() => fixture.stop());
  return fixture;
}
