/**
 * Web mode as a user meets it: `netlens web` started for real, the printed URL opened in
 * Chromium, the page talking to the engine over the WebSocket, and nobody without the token
 * getting in.
 */
import { describe, expect, it } from 'vitest';
import { useE2e } from './fixture.js';

// These tests open their own pages: the fixture's page stays closed.
const e2e = useE2e({ openUi: false });

describe('netlens web', () => {
  it('prints a token URL on 127.0.0.1 next to the proxy and the CA', () => {
    expect(e2e.app.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(e2e.app.proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e2e.app.caCertPath.startsWith(e2e.app.dataDir)).toBe(true);
  });

  it('answers 401 without the token, and to a wrong one', async () => {
    const origin = new URL(e2e.app.uiUrl).origin;
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=not-the-token`)).status).toBe(401);
    const ok = await fetch(e2e.app.uiUrl);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('loads the UI with the token and serves NetlensApi to it over the WebSocket', async () => {
    const page = await e2e.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(e2e.app.uiUrl);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('#root > *', { timeout: 30_000 });
    // The page's own WebSocket (opened by renderer/api) answers an app:info round trip.
    // (The page has dropped the token from its address by now: webSecurity.test.ts.)
    const info = await page.evaluate(async (token) => {
      const socket = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
      return new Promise<unknown>((resolve, reject) => {
        socket.onerror = () => reject(new Error('socket error'));
        socket.onopen = () => socket.send(JSON.stringify({ id: 1, channel: 'app:info', args: [] }));
        socket.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
          if (message.id === 1) {
            socket.close();
            resolve(message.result);
          }
        };
      });
    }, e2e.app.token);
    expect(info).toMatchObject({
      ok: true,
      value: { mode: 'web', proxyUrl: e2e.app.proxyUrl, dataDir: e2e.app.dataDir },
    });
    // The UI shows where the proxy listens (status bar / empty state).
    const port = new URL(e2e.app.proxyUrl).port;
    await page.waitForFunction((p) => document.body.innerText.includes(p), port, { timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a WebSocket from another origin', async () => {
    const page = await e2e.browser.newPage();
    // about:blank has an opaque origin ("null"): exactly what a foreign page would look like.
    const outcome = await page.evaluate(async (uiUrl) => {
      const url = new URL(uiUrl);
      const socket = new WebSocket(`ws://${url.host}/api${url.search}`);
      return new Promise<string>((resolve) => {
        socket.onopen = () => resolve('open');
        socket.onerror = () => resolve('refused');
      });
    }, e2e.app.uiUrl);
    expect(outcome).toBe('refused');
    await page.close();
  });

  it('shuts down cleanly on SIGTERM: exit 0', async () => {
    expect(await e2e.app.stop()).toBe(0);
  });
});
