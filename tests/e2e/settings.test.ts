/**
 * The Settings view end to end: a form made from the settings schema, in web mode in Chromium.
 * A change is saved to settings.json; a value the schema refuses is named under its field and
 * never sent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startWebApp, type WebApp } from './harness.js';

const WAIT_MS = 15_000;

let app: WebApp;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(app.uiUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('form', { name: 'Settings' }).waitFor({ timeout: WAIT_MS });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('Settings view', () => {
  it('shows every setting with its current value, unit and help', async () => {
    const connect = page.getByLabel('Connect timeout');
    expect(await connect.inputValue()).toBe('10000');
    expect(await page.getByLabel('Largest request head').inputValue()).toBe('65536');
    const form = await page.getByRole('form', { name: 'Settings' }).innerText();
    expect(form).toContain('0 to 600000 ms, 0 = no limit');
    expect(form).toContain('Flag: --body-timeout-ms.');
    expect(await page.locator('code', { hasText: '*.example.com' }).count()).toBeGreaterThan(0);
    expect(form).toContain('64 KiB');
  });

  it('refuses what the schema refuses, under the field, and saves nothing', async () => {
    await page.getByLabel('Client headers timeout').fill('0');
    const problem = page.getByRole('alert').filter({ hasText: 'from 100 to 600000 ms' });
    await problem.waitFor({ timeout: WAIT_MS });
    expect(await page.getByRole('button', { name: /^Save/ }).isDisabled()).toBe(false);
    await page.getByRole('button', { name: /^Save/ }).click();
    await page.getByLabel('Client headers timeout').fill('30000');
    await problem.waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  it('saves a change to settings.json: 0 switches the response timeout off', async () => {
    await page.getByLabel('Response timeout').fill('0');
    await page.getByLabel('Pass-through hosts').fill('*.bank.test\n');
    expect(await page.getByRole('form', { name: 'Settings' }).innerText()).toContain('no limit');
    await page.getByRole('button', { name: 'Save 2 changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved 2 settings.' }).waitFor({ timeout: WAIT_MS });
    const saved = JSON.parse(readFileSync(path.join(app.dataDir, 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(saved).toMatchObject({ responseTimeoutMs: 0, passThroughHosts: ['*.bank.test'] });
    expect(pageErrors).toEqual([]);
  });
});
