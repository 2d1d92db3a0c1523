/**
 * The analysis views end to end, in web mode with Chromium, over real traffic through the real
 * proxy: a signed request whose body was re-serialised fails, and the diff against the last
 * success names the key order; a client retries a flaky endpoint with exponential backoff, and
 * the Retries view shows the chain and its verdict; a bar of the overview's status chart filters
 * the traffic view.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startWebApp, type WebApp } from './harness.js';
import { closeServer, listenOnLoopback, requestViaProxy } from './upstream.js';

const WAIT_MS = 15_000;
const SIGNED_BODY = '{"amount":1250,"currency":"EUR"}';
const SCREENSHOTS = process.env.NETLENS_E2E_SCREENSHOTS;

let app: WebApp;
let browser: Browser;
let page: Page;
let upstream: http.Server;
let upstreamPort: number;
let flakyHits = 0;
const pageErrors: string[] = [];

async function viaProxy(url: string, method = 'GET', body?: string): Promise<number> {
  return (await requestViaProxy(app.proxyUrl, url, { method, body })).status;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function show(view: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
}

async function screenshot(name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: false });
}

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
  upstream = http.createServer((req, res) => {
    let received = '';
    req.on('data', (c: Buffer) => (received += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/charges') {
        // The server checks a signature over the exact bytes it was computed on.
        res.statusCode = received === SIGNED_BODY ? 200 : 401;
        res.end(received === SIGNED_BODY ? '{"ok":true}' : '{"error":"invalid signature"}');
      } else if (req.url === '/flaky') {
        flakyHits += 1;
        res.statusCode = flakyHits <= 4 ? 503 : 200;
        res.end(flakyHits <= 4 ? '{"error":"busy"}' : '{"ok":true}');
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  upstreamPort = await listenOnLoopback(upstream);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const base = `http://127.0.0.1:${upstreamPort}`;
  expect(await viaProxy(`${base}/v1/charges`, 'POST', SIGNED_BODY)).toBe(200);
  expect(await viaProxy(`${base}/v1/charges`, 'POST', '{"currency":"EUR","amount":1250}')).toBe(401);
  // A client with exponential backoff: 150 ms × 2ⁿ after each 5xx. Four waits, because with the
  // browser starting alongside, a wait can run tens of ms long, and three points cannot tell a
  // noisy exponential from a line.
  for (let attempt = 0; attempt < 7; attempt += 1) {
    if ((await viaProxy(`${base}/flaky`)) < 500) break;
    await sleep(150 * 2 ** attempt);
  }
  await page.goto(app.uiUrl);
  await page.waitForFunction(
    () =>
      document.querySelectorAll('[role="grid"][aria-label="Exchanges"] [role="row"][data-id]').length === 7,
    undefined,
    { timeout: WAIT_MS },
  );
});

afterAll(async () => {
  await browser?.close();
  await closeServer(upstream);
  await app?.stop();
});

describe('analysis views in web mode', () => {
  it('diffs a failed signed request against the last success and names the key order', async () => {
    // The status cell, not the whole row: a start time such as 09:26:53.401 contains "401" too.
    await page
      .locator('[role="row"][data-id]')
      .filter({ has: page.locator('[role="cell"]:nth-child(4)', { hasText: '401' }) })
      .click();
    const detail = page.getByRole('complementary', { name: 'Exchange detail' });
    await detail.getByRole('button', { name: 'Compare with last success' }).click();
    const summary = page.getByRole('region', { name: 'Diff summary' });
    await summary.waitFor({ timeout: WAIT_MS });
    const items = await summary.getByRole('listitem').allInnerTexts();
    expect(items[0]).toBe('Status: 401 Unauthorized → 200 OK');
    expect(items).toContainEqual(
      expect.stringMatching(/^Request body: same JSON, different key order — bytes first differ at offset 2/),
    );
    const requestBody = page.getByRole('region', { name: 'Request body' });
    expect(await requestBody.getByRole('heading', { level: 4 }).first().innerText()).toBe(
      'First differing byte: offset 2 (line 1, column 3)',
    );
    await screenshot('diff');
    await requestBody.scrollIntoViewIfNeeded();
    await screenshot('diff-body');
  });

  it('shows the retry chain with its timeline and verdict', async () => {
    await show('Retries');
    const chains = page.getByRole('list', { name: 'Retry chains' });
    await chains.getByRole('listitem').first().waitFor({ timeout: WAIT_MS });
    expect(await chains.getByRole('listitem').count()).toBe(1);
    const chain = page.getByRole('article', { name: 'Retry chain' });
    expect(await chain.locator('.chain-summary').innerText()).toMatch(
      // Jitter is not asserted: the proxy sees the client's scheduling noise as well as its sleeps.
      /^GET \/flaky: 5 attempts, succeeded after 4 failures; exponential backoff ≈?×[\d.]+/,
    );
    const attempts = chain.getByRole('list', { name: 'Attempts timeline' }).getByRole('listitem');
    expect(await attempts.count()).toBe(5);
    expect(await attempts.nth(4).getByRole('button').getAttribute('aria-label')).toBe('Attempt 5: 200 OK');
    expect(await chain.getByRole('list', { name: 'Flags' }).count()).toBe(0);
    await screenshot('retries');
  });

  it('filters the traffic view when a bar of the status chart is clicked', async () => {
    await show('Overview');
    const bar = page.locator('.status-chart [data-filter="status:503"]');
    await bar.waitFor({ timeout: WAIT_MS });
    await screenshot('overview');
    await bar.click();
    const filter = page.getByRole('searchbox', { name: 'Filter exchanges' });
    await filter.waitFor({ timeout: WAIT_MS });
    expect(await filter.inputValue()).toBe('status:503');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[role="grid"][aria-label="Exchanges"] [role="row"][data-id]').length === 4,
      undefined,
      { timeout: WAIT_MS },
    );
    const rows = await page.locator('[role="row"][data-id]').allInnerTexts();
    expect(rows.every((text) => text.includes('503'))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
