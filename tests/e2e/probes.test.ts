/**
 * Probes and monitors end to end: NetLens in web mode (`netlens web`), Chromium, servers this
 * test starts on 127.0.0.1. A probe run from the UI shows its phases with times; a refused port
 * shows the taxonomy's message; a monitor created in the form charts its samples.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startWebApp, type WebApp } from './harness.js';
import { closedPort, listenOnLoopback } from './upstream.js';

const WAIT_MS = 15_000;

let app: WebApp;
let browser: Browser;
let page: Page;
let upstream: http.Server;
let upstreamPort: number;
let upstreamStatus = 200;
const pageErrors: string[] = [];

beforeAll(async () => {
  upstream = http.createServer((_req, res) => {
    res.setHeader('X-Probe-Test', 'yes');
    res.writeHead(upstreamStatus).end('healthy');
  });
  upstreamPort = await listenOnLoopback(upstream);
  app = await startWebApp();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(app.uiUrl);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

async function openView(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click();
}

describe('Probes view', () => {
  it('runs a probe against a local server and shows each phase with its time', async () => {
    await openView('Probes');
    const target = `http://127.0.0.1:${upstreamPort}/health`;
    await page.getByLabel('Target').fill(target);
    await page.getByLabel('Timeout per phase (ms)').fill('3000');
    await page.getByRole('button', { name: 'Run' }).click();

    const result = page.getByRole('article', { name: `Probe of ${target}` });
    await result.waitFor({ timeout: WAIT_MS });
    await expect(result.getByRole('status').textContent()).resolves.toContain('HTTP 200');
    const phases = await result
      .locator('table.probe-phases tr')
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.step));
    expect(phases).toEqual(['dns', 'tcp', 'http']);
    const tcpTime = (await result.getByTestId('phase-time-tcp').textContent()) ?? '';
    expect(tcpTime).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    const httpTime = (await result.getByTestId('phase-time-http').textContent()) ?? '';
    expect(httpTime).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    await expect(result.getByText('X-Probe-Test').count()).resolves.toBeGreaterThan(0);
    await expect(result.locator('.phase-bar-segment').count()).resolves.toBeGreaterThan(0);
    if (process.env.NETLENS_E2E_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.NETLENS_E2E_SCREENSHOTS}/probe.png` });
  });

  it('explains a refused connection prominently', async () => {
    const port = await closedPort();

    await page.getByLabel('Target').fill(`127.0.0.1:${port}`);
    await page.getByRole('button', { name: 'Run' }).click();
    const alert = page.getByRole('article', { name: `Probe of 127.0.0.1:${port}` }).getByRole('alert');
    await alert.waitFor({ timeout: WAIT_MS });
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('connect_refused');
    expect(text).toContain(`Failed to connect to 127.0.0.1:${port}`);
  });
});

describe('Probes view tools', () => {
  it('TCP-pings a local server and shows who holds its port', async () => {
    await openView('Probes');
    const tools = page.getByRole('group', { name: 'Probe tools' });
    await tools.getByRole('button', { name: 'Ping' }).click();
    await page.getByLabel('Host:port').fill(`127.0.0.1:${upstreamPort}`);
    await page.getByLabel('Samples').fill('3');
    await page.getByLabel('Interval (ms)').fill('50');
    await page.getByRole('button', { name: 'Ping', exact: true }).last().click();
    const result = page.getByRole('region', { name: 'Ping result' });
    await result.waitFor({ timeout: WAIT_MS });
    await expect(result.getByRole('status').textContent()).resolves.toContain('3 sent, 3 received, 0% loss');
    await expect(result.locator('tbody tr').count()).resolves.toBe(3);

    await tools.getByRole('button', { name: 'Ports' }).click();
    await page.getByLabel('Port, process or address').fill(String(upstreamPort));
    const sockets = page.getByRole('region', { name: 'Listening sockets' });
    await sockets.waitFor({ timeout: WAIT_MS });
    await expect(sockets.getByRole('status').textContent()).resolves.toContain(
      `Port ${upstreamPort} is in use`,
    );
    await expect(sockets.getByText(`127.0.0.1:${upstreamPort}`).count()).resolves.toBe(1);
    await tools.getByRole('button', { name: 'Probe' }).click();
  });
});

describe('Monitors view', () => {
  it('creates a monitor and draws its chart', async () => {
    await openView('Monitors');
    await page.getByRole('button', { name: 'Add monitor' }).click();
    const form = page.getByRole('form', { name: 'Add monitor' });
    await form.getByLabel('Name').fill('Local health');
    await form.getByLabel('Target').fill(`http://127.0.0.1:${upstreamPort}/health`);
    await form.getByLabel('Every (seconds)').fill('1');
    await form.getByLabel('Timeout per phase (ms)').fill('2000');
    await form.getByLabel('Expected status').fill('200');
    await form.getByRole('button', { name: 'Save monitor' }).click();

    const detail = page.getByRole('article', { name: 'Monitor Local health' });
    await detail.waitFor({ timeout: WAIT_MS });
    // The stacked phase areas are SVG paths; an IP target has no DNS phase, so read the TTFB one.
    const area = detail.locator('[data-testid="monitor-chart"] .recharts-area path[name="Wait (TTFB)"]');
    await area.first().waitFor({ state: 'attached', timeout: WAIT_MS });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="monitor-chart"] .recharts-scatter-symbol').length >= 3,
      undefined,
      { timeout: WAIT_MS },
    );
    const d = (await area.first().getAttribute('d')) ?? '';
    expect(d.length).toBeGreaterThan(10);
    await expect(detail.getByTestId('monitor-uptime').textContent()).resolves.toBe('100.0 %');
    await expect(
      page.getByRole('complementary', { name: 'Monitor list' }).getByText('Local health').count(),
    ).resolves.toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows the monitor going down and up again, live', async () => {
    const detail = page.getByRole('article', { name: 'Monitor Local health' });
    const changes = detail.getByRole('region', { name: 'State changes' });
    upstreamStatus = 503;
    await changes.getByText('up → down').waitFor({ timeout: WAIT_MS });
    await expect(changes.textContent()).resolves.toContain('HTTP 503');
    upstreamStatus = 200;
    await changes.getByText('down → up').waitFor({ timeout: WAIT_MS });
    // failed samples are drawn as their own (red) series
    await expect(detail.locator('.recharts-scatter').count()).resolves.toBe(2);
    const uptime = Number.parseFloat((await detail.getByTestId('monitor-uptime').textContent()) ?? '');
    expect(uptime).toBeGreaterThan(0);
    expect(uptime).toBeLessThan(100);
    if (process.env.NETLENS_E2E_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.NETLENS_E2E_SCREENSHOTS}/monitors.png` });
    expect(pageErrors).toEqual([]);
  });
});
