/**
 * The waterfall end to end: real exchanges through the proxy, drawn on a HiDPI canvas; hover
 * shows the phase breakdown, Ctrl+wheel zooms, dragging pans, and the view follows the filter.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startWebApp, type WebApp } from './harness.js';
import { closeServer, listenOnLoopback, requestViaProxy } from './upstream.js';

const WAIT_MS = 15_000;
let app: WebApp;
let browser: Browser;
let page: Page;
let upstream: http.Server;
let upstreamPort: number;

async function viaProxy(path: string): Promise<number> {
  return (await requestViaProxy(app.proxyUrl, `http://127.0.0.1:${upstreamPort}${path}`)).status;
}

/** The tick labels drawn on the axis are not in the DOM: compare axis pixels instead. */
async function axisPixels(): Promise<string> {
  return page.getByRole('img', { name: /Waterfall chart/ }).evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, Math.round(24 * devicePixelRatio)).data;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i]! + data[i + 1]! * 7) | 0;
    return String(hash);
  });
}

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
  upstream = http.createServer((req, res) => {
    // A measurable wait so the "wait" phase has a bar worth hovering.
    setTimeout(
      () => res.end(req.url?.includes('missing') ? 'no' : 'ok'),
      req.url?.includes('slow') ? 120 : 5,
    );
  });
  upstreamPort = await listenOnLoopback(upstream);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
});

afterAll(async () => {
  await browser?.close();
  await closeServer(upstream);
  await app?.stop();
});

describe('waterfall', () => {
  it('draws real exchanges on a canvas sized for the device pixel ratio', async () => {
    await page.goto(app.uiUrl);
    await page.getByLabel('Getting started').waitFor({ timeout: WAIT_MS });
    expect(await viaProxy('/slow')).toBe(200);
    expect(await viaProxy('/fast')).toBe(200);
    expect(await viaProxy('/slow-again')).toBe(200);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Waterfall' }).click();
    const canvas = page.getByRole('img', { name: 'Waterfall chart of 3 exchanges' });
    await canvas.waitFor({ timeout: WAIT_MS });
    const size = await canvas.evaluate((element) => {
      const c = element as HTMLCanvasElement;
      return { width: c.width, cssWidth: c.getBoundingClientRect().width };
    });
    expect(size.width).toBe(Math.round(size.cssWidth * 2));
  });

  it('shows the phase breakdown of the hovered exchange', async () => {
    const canvas = page.getByRole('img', { name: /Waterfall chart/ });
    const box = (await canvas.boundingBox())!;
    // Row 1 (the first /slow) sits under the 24 px axis, 20 px per row.
    await page.mouse.move(box.x + 300, box.y + 24 + 10);
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor({ timeout: WAIT_MS });
    const text = await tooltip.innerText();
    expect(text).toContain(`/slow`);
    expect(text).toMatch(/Wait \(TTFB\)\s+\d+ ms/);
    expect(text).toMatch(/Total\s+\d+ ms/);
    const waitMs = Number(/Wait \(TTFB\)\s+(\d+) ms/.exec(text)![1]);
    expect(waitMs).toBeGreaterThanOrEqual(100);
  });

  it('zooms with Ctrl+wheel and the buttons, pans by dragging, and fits again', async () => {
    const canvas = page.getByRole('img', { name: /Waterfall chart/ });
    const box = (await canvas.boundingBox())!;
    const fitted = await axisPixels();
    await page.mouse.move(box.x + 600, box.y + 200);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await page.waitForTimeout(100);
    const zoomed = await axisPixels();
    expect(zoomed).not.toBe(fitted);
    await page.mouse.move(box.x + 600, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x + 800, box.y + 200, { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(100);
    expect(await axisPixels()).not.toBe(zoomed);
    await page.getByRole('button', { name: 'Fit' }).click();
    await page.waitForTimeout(100);
    expect(await axisPixels()).toBe(fitted);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.waitForTimeout(100);
    expect(await axisPixels()).not.toBe(fitted);
  });

  it('shows only the filtered exchanges', async () => {
    await page.getByRole('searchbox', { name: 'Filter exchanges' }).fill('slow');
    await page.getByRole('img', { name: 'Waterfall chart of 2 exchanges' }).waitFor({ timeout: WAIT_MS });
    await page.getByRole('searchbox', { name: 'Filter exchanges' }).fill('');
    await page.getByRole('img', { name: 'Waterfall chart of 3 exchanges' }).waitFor({ timeout: WAIT_MS });
  });
});
