/**
 * Issue 11.12 and 11.13 in a real Chromium: the token leaves the address bar and the tab's
 * history once the page has loaded (and a reload still gets in, by the cookie); the CSP's
 * `connect-src 'self'` lets the page open its own WebSocket and refuses every other host;
 * a broken HAR import is one coded line in the UI, with no file content and no stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startWebApp, type WebApp } from './harness.js';

let app: WebApp;
let browser: Browser;

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  expect(await app?.stop()).toBe(0);
});

async function openUi(): Promise<Page> {
  const page = await browser.newPage();
  const response = await page.goto(app.uiUrl);
  expect(response?.status()).toBe(200);
  await page.waitForSelector('#root > *', { timeout: 30_000 });
  return page;
}

/** What happens to `new WebSocket(url)` in the page: opened, or refused by the CSP. */
function tryWebSocket(page: Page, url: string): Promise<{ opened: boolean; violation?: string }> {
  return page.evaluate(async (target) => {
    let violation: string | undefined;
    const onViolation = (event: SecurityPolicyViolationEvent) => {
      violation ??= `${event.effectiveDirective} ${event.blockedURI}`;
    };
    document.addEventListener('securitypolicyviolation', onViolation);
    try {
      const opened = await new Promise<boolean>((resolve) => {
        let socket: WebSocket;
        try {
          socket = new WebSocket(target);
        } catch {
          resolve(false);
          return;
        }
        socket.onopen = () => {
          socket.close();
          resolve(true);
        };
        socket.onerror = () => resolve(false);
      });
      // The violation event is queued as a task: let it arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { opened, ...(violation !== undefined ? { violation } : {}) };
    } finally {
      document.removeEventListener('securitypolicyviolation', onViolation);
    }
  }, url);
}

describe('web mode in Chromium', () => {
  it('drops the token from the address bar and the history entry, and a reload still gets in', async () => {
    const page = await openUi();
    await page.waitForFunction(() => !location.search.includes('token'), undefined, { timeout: 10_000 });
    expect(page.url()).toBe(`${new URL(app.uiUrl).origin}/`);
    // Back to the blank page and forward again: the entry itself no longer has the token.
    await page.goBack();
    await page.goForward();
    expect(page.url()).not.toContain('token');
    // A reload without the token is let in by the cookie, and the page talks to the engine.
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    const port = new URL(app.proxyUrl).port;
    await page.waitForFunction((p) => document.body.innerText.includes(p), port, { timeout: 30_000 });
    await page.close();
  });

  it("lets the page open its own WebSocket under connect-src 'self' and refuses any other host", async () => {
    const page = await openUi();
    const ui = new URL(app.uiUrl);
    expect(await tryWebSocket(page, `ws://${ui.host}/api`)).toEqual({ opened: true });
    const proxyPort = new URL(app.proxyUrl).port;
    const foreign = await tryWebSocket(page, `ws://127.0.0.1:${proxyPort}/`);
    expect(foreign.opened).toBe(false);
    expect(foreign.violation).toMatch(/^connect-src ws:\/\/127\.0\.0\.1:\d+/);
    const otherName = await tryWebSocket(page, `ws://localhost:${ui.port}/api`);
    expect(otherName.opened).toBe(false);
    expect(otherName.violation).toMatch(/^connect-src /);
    await page.close();
  });

  it('reports a broken HAR import as one coded line, without the file content or a stack', async () => {
    const page = await openUi();
    await page.setInputFiles('input[type="file"]', {
      name: 'broken.har',
      mimeType: 'application/json',
      buffer: Buffer.from(
        '{"log": {"entries": [{"request": {"headers": [{"name": "Cookie", "value": sekrit}]}}]}}',
      ),
    });
    const notice = page.locator('.notice.error', { hasText: 'broken.har' });
    await notice.waitFor({ timeout: 30_000 });
    const text = await notice.innerText();
    expect(text).toMatch(
      /Import of broken\.har failed: The file is not valid JSON: .*\(line 1, column \d+\)/,
    );
    expect(text).toContain('(har_invalid)');
    expect(text).not.toContain('sekrit');
    expect(text).not.toMatch(/\n\s+at /);
    expect(app.stderr()).not.toContain('har:import failed');
    await page.close();
  });
});
