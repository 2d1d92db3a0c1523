/**
 * The Intercept view end to end: NetLens in web mode on a real GNOME setting (a private D-Bus
 * session with the dconf backend — the machine's own session is never touched), in Chromium.
 * Every way in has its card with its state; the system-proxy switch sets the OS setting and
 * gives the previous one back; the terminal card shows working lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { gnomeSessionMissing, startGnomeSession, type GnomeSession } from '@fixtures/gnomeSession.js';
import { launchBrowser, startWebApp, type WebApp } from './harness.js';

const WAIT_MS = 15_000;

const missing = gnomeSessionMissing();
if (missing && process.env.CI === 'true') {
  throw new Error(`The Intercept e2e test needs a private GNOME settings session: install ${missing}.`);
}

let session: GnomeSession | undefined;
let app: WebApp;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // Without the GNOME packages (only outside CI, see above) the card is tested as "not available".
  session = missing ? undefined : await startGnomeSession('intercept-e2e');
  const env = session ? { ...session.env, XDG_CURRENT_DESKTOP: 'GNOME' } : { XDG_CURRENT_DESKTOP: '' };
  app = await startWebApp({ env });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(app.uiUrl);
  await page.getByRole('button', { name: 'Intercept', exact: true }).click();
  await page.getByRole('region', { name: 'Intercept' }).waitFor({ timeout: WAIT_MS });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await session?.close();
});

function card(name: string) {
  return page.getByRole('region', { name, exact: true });
}

describe('Intercept view', () => {
  it('shows one card per way in, each with what it changes and its undo', async () => {
    for (const name of ['System proxy', 'Terminal', 'Docker', 'Manual', 'CA certificate trust']) {
      const region = card(name);
      await region.waitFor({ timeout: WAIT_MS });
      const text = await region.innerText();
      expect(text, name).toContain('Changes');
      expect(text, name).toContain('Undo');
    }
    // Debian's Chromium is on this machine (the e2e tests drive it): its card offers a launch.
    const chromium = card('Chromium browser');
    await chromium.waitFor({ timeout: WAIT_MS });
    expect(await chromium.getByRole('button', { name: 'Launch Chromium' }).isEnabled()).toBe(true);
  });

  it('shows lines that point a terminal at this NetLens', async () => {
    const terminal = card('Terminal');
    const lines = terminal.locator('pre');
    await lines.waitFor({ timeout: WAIT_MS });
    const text = await lines.innerText();
    const port = new URL(app.proxyUrl).port;
    expect(text).toMatch(new RegExp(`export HTTPS_PROXY='http://terminal%23\\d+@127\\.0\\.0\\.1:${port}'`));
    expect(text).toContain('NODE_EXTRA_CA_CERTS');
    await terminal.getByRole('button', { name: 'PowerShell' }).click();
    await terminal.locator('pre', { hasText: '$env:HTTPS_PROXY' }).waitFor({ timeout: WAIT_MS });
  });

  it('switches the system proxy on and off, showing its state and giving the previous setting back', async () => {
    const systemProxy = card('System proxy');
    const state = systemProxy.getByRole('status');
    if (!session) {
      await state.filter({ hasText: 'Not available' }).waitFor({ timeout: WAIT_MS });
      return;
    }
    const before = await session.proxySettings();
    await state.filter({ hasText: 'Off' }).waitFor({ timeout: WAIT_MS });
    const toggle = systemProxy.getByRole('switch', { name: 'Use NetLens as the system proxy' });
    expect(await toggle.isChecked()).toBe(false);

    await toggle.click();
    await state.filter({ hasText: 'On — set by this NetLens' }).waitFor({ timeout: WAIT_MS });
    expect(await toggle.isChecked()).toBe(true);
    expect((await session.gsettings('get', 'org.gnome.system.proxy', 'mode')).trim()).toBe("'manual'");
    expect((await session.gsettings('get', 'org.gnome.system.proxy.http', 'host')).trim()).toBe(
      "'127.0.0.1'",
    );
    expect(await systemProxy.innerText()).toMatch(/Turning it off restores/);
    const shots = process.env.NETLENS_E2E_SCREENSHOTS;
    if (shots) await page.screenshot({ path: `${shots}/intercept-system-proxy-on.png` });

    await toggle.click();
    await state.filter({ hasText: 'Off' }).waitFor({ timeout: WAIT_MS });
    expect(await session.proxySettings()).toBe(before);
    expect(pageErrors).toEqual([]);
  });
});
