/**
 * Screenshots of every view at 1024×700 and 1440×900, light and dark, compared with the
 * checked-in baselines (tests/e2e/baselines/, baselines.ts). The screens are made the same on
 * every run: a fixed session imported from a HAR (screenshotHar.ts) instead of live traffic, the
 * page's clock frozen and its time zone UTC, caret and animations off; what still varies (the
 * proxy's port, the data directory's path, this session's id and start) is masked.
 * Fonts: the UI asks for system-ui and a monospace font; on Debian both come from
 * fonts-dejavu-core (DejaVu Sans, DejaVu Sans Mono), which the test checks first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { compareWithBaseline } from './baselines.js';
import { useE2e, WAIT_MS } from './fixture.js';
import { SCREENSHOT_HAR_ENTRIES, screenshotHar } from './screenshotHar.js';

// A data dir whose path has the same length on every machine (it is shown, masked, in some views).
const dataDir = mkdtempSync('/tmp/netlens-shots-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const e2e = useE2e({ openUi: false, app: { dataDir } });

const FROZEN_TIME_MS = Date.UTC(2026, 0, 15, 10, 0, 0);
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const ROWS = '[role="grid"][aria-label="Exchanges"] [role="row"][data-id]';

interface Screen {
  /** The view's label in the navigation. */
  view: string;
  /** Waits for what the view draws once it is ready. */
  ready?: (page: Page) => Promise<unknown>;
  /** Parts that differ from run to run. */
  mask?: (page: Page) => Locator[];
}

const SCREENS: Screen[] = [
  {
    view: 'Traffic',
    ready: (page) => page.getByRole('complementary', { name: 'Exchange detail' }).waitFor(),
  },
  {
    view: 'Intercept',
    // Its proxy address, CA path and snippets name the port and the data dir; the browsers'
    // versions and paths and the desktop's proxy settings are the machine's.
    mask: (page) => [page.locator('main code'), page.locator('main pre'), page.locator('main .muted')],
  },
  { view: 'Waterfall', ready: (page) => page.locator('canvas[aria-label*="in view"]').waitFor() },
  {
    view: 'Overview',
    ready: (page) => page.locator('main .recharts-surface').first().waitFor(),
  },
  { view: 'Retries' },
  { view: 'Diff' },
  { view: 'Probes' },
  { view: 'Monitors' },
  { view: 'Rules' },
  {
    view: 'Sessions',
    ready: (page) => page.locator('main table tbody tr').first().waitFor(),
    // The live session's id and start time.
    mask: (page) => [page.locator('main table tbody tr').first()],
  },
  { view: 'Settings', mask: (page) => [page.locator('main code')] },
];

let page: Page;

/** Closes every notice (they time out on their own, so would appear in some shots and not others). */
async function dismissNotices(): Promise<void> {
  const buttons = page.locator('.notices button[aria-label="Dismiss"]');
  for (let i = (await buttons.count()) - 1; i >= 0; i -= 1) await buttons.nth(i).click();
}

async function openView(label: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('button', { name: label, exact: true })
    .click();
}

/** A screenshot once two in a row are the same (charts and canvases settle over a few frames). */
async function settledScreenshot(mask: Locator[]): Promise<Buffer> {
  const shoot = () =>
    page.screenshot({ animations: 'disabled', caret: 'hide', mask, maskColor: '#ff00ff', scale: 'css' });
  let previous = await shoot();
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const next = await shoot();
    if (next.equals(previous)) return next;
    previous = next;
  }
  throw new Error('the screen kept changing over 10 screenshots');
}

function fontFamily(pattern: string): string {
  try {
    return execFileSync('fc-match', ['-f', '%{family}', pattern], { encoding: 'utf8' });
  } catch (error) {
    throw new Error(
      `fc-match failed (${(error as Error).message}): install fontconfig and fonts-dejavu-core`,
    );
  }
}

beforeAll(async () => {
  // The baselines were drawn with DejaVu: other fonts move every line of text.
  for (const [pattern, family] of [
    ['system-ui', 'DejaVu Sans'],
    ['sans-serif', 'DejaVu Sans'],
    ['monospace', 'DejaVu Sans Mono'],
  ] as const) {
    expect(fontFamily(pattern), `fc-match ${pattern}: install fonts-dejavu-core`).toContain(family);
  }
  const context = await e2e.browser.newContext({
    viewport: SIZES[1],
    deviceScaleFactor: 1,
    timezoneId: 'UTC',
    locale: 'en-US',
    reducedMotion: 'reduce',
  });
  page = await context.newPage();
  page.on('pageerror', (error) => e2e.pageErrors.push(error.message));
  await page.clock.setFixedTime(FROZEN_TIME_MS);
  await page.goto(e2e.app.uiUrl);
  await page.getByRole('navigation', { name: 'Views' }).waitFor({ timeout: WAIT_MS });
  const har = path.join(dataDir, 'screens.har');
  writeFileSync(har, screenshotHar());
  await page.getByLabel('HAR file to import').setInputFiles(har);
  await page.waitForFunction(
    ({ selector, n }) => document.querySelectorAll(selector).length === n,
    { selector: ROWS, n: SCREENSHOT_HAR_ENTRIES },
    { timeout: WAIT_MS },
  );
  // The Diff view: the first failed attempt of the retry chain against the success after it.
  const rows = page.locator(ROWS);
  await rows.filter({ hasText: '503' }).first().click();
  await page.getByRole('button', { name: 'Compare with last success' }).click();
  await page.getByRole('region', { name: 'Diff' }).or(page.locator('main')).first().waitFor();
  // The Traffic view shows the refused exchange in its detail pane.
  await openView('Traffic');
  await rows.filter({ hasText: 'refused' }).click();
  await page.getByRole('complementary', { name: 'Exchange detail' }).waitFor({ timeout: WAIT_MS });
});

describe('screenshots of every view match the baselines', () => {
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      it(`${size.width}×${size.height} ${scheme}`, async () => {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        const problems: string[] = [];
        for (const screen of SCREENS) {
          await openView(screen.view);
          // Views that load from the engine say Loading… (or a card Checking…) until they have it.
          await page.waitForFunction(
            () => !/Loading…|Checking…/.test(document.querySelector('main')?.textContent ?? ''),
            undefined,
            { timeout: WAIT_MS },
          );
          await screen.ready?.(page);
          await dismissNotices();
          // The status bar names the proxy's port.
          const mask = [page.locator('.status-bar code'), ...(screen.mask?.(page) ?? [])];
          const png = await settledScreenshot(mask);
          const name = `${screen.view.toLowerCase()}-${size.width}x${size.height}-${scheme}`;
          const problem = compareWithBaseline(name, png);
          if (problem) problems.push(problem);
        }
        expect(problems).toEqual([]);
        expect(e2e.pageErrors).toEqual([]);
      });
    }
  }
});
