/**
 * The layout keeps its promises at 1024×700 and 1440×900, light and dark: no text in the traffic
 * list, the Overview or a monitor chart is cut off or drawn over other text (bounding boxes), the
 * status colours reach WCAG AA contrast (4.5:1, computed from the styles against the background
 * actually behind them, selected row included), a notice never covers the detail pane, and no
 * placeholder of the filter, the monitor form or the probe tools is cut off.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Page } from 'playwright-core';
import { closedPort, useE2e, WAIT_MS } from './fixture.js';

const e2e = useE2e({
  openUi: false,
  upstream(req, res) {
    const status = req.url === '/missing' ? 404 : req.url === '/boom' ? 500 : 200;
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, items: Array.from({ length: 20 }, (_, i) => i) }));
  },
});

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Elements under `root` whose text is wider than their box (cut off or ellipsized). */
function truncatedText(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      if (el.offsetParent === null || (el.textContent ?? '').trim() === '') continue;
      if (el.scrollWidth > el.clientWidth + 1)
        out.push(`${el.textContent?.trim()} (${el.scrollWidth} > ${el.clientWidth} px)`);
    }
    return out;
  }, selector);
}

/** Pairs of SVG or HTML text boxes under `root` that overlap, and SVG text outside its chart. */
function overlappingText(page: Page, root: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const problems: string[] = [];
    for (const svg of document.querySelectorAll<SVGSVGElement>(`${sel} svg`)) {
      const frame = svg.getBoundingClientRect();
      if (frame.width === 0) continue;
      const texts = [...svg.querySelectorAll<SVGTextElement>('text')]
        .filter((t) => (t.textContent ?? '').trim() !== '' && getComputedStyle(t).visibility !== 'hidden')
        .map((t) => ({ text: t.textContent!.trim(), box: t.getBoundingClientRect() }))
        .filter((t) => t.box.width > 0);
      for (const t of texts) {
        if (
          t.box.left < frame.left - 1 ||
          t.box.right > frame.right + 1 ||
          t.box.top < frame.top - 1 ||
          t.box.bottom > frame.bottom + 1
        )
          problems.push(`"${t.text}" outside its chart`);
      }
      for (let i = 0; i < texts.length; i += 1) {
        for (let j = i + 1; j < texts.length; j += 1) {
          const a = texts[i]!.box;
          const b = texts[j]!.box;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // A pixel of antialiasing is not an overlap.
          if (w > 1 && h > 1) problems.push(`"${texts[i]!.text}" overlaps "${texts[j]!.text}"`);
        }
      }
    }
    return problems;
  }, root);
}

/** Visible inputs whose placeholder is wider than the room inside them (cut off). */
function cutPlaceholders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const context = document.createElement('canvas').getContext('2d')!;
    const out: string[] = [];
    for (const input of document.querySelectorAll<HTMLInputElement>('main input[placeholder]')) {
      if (input.offsetParent === null || input.value !== '') continue;
      const style = getComputedStyle(input, '::placeholder');
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const own = getComputedStyle(input);
      const roomPx = input.clientWidth - parseFloat(own.paddingLeft) - parseFloat(own.paddingRight);
      const textPx = context.measureText(input.placeholder).width;
      if (textPx > roomPx + 1)
        out.push(`"${input.placeholder}" (${Math.ceil(textPx)} > ${Math.floor(roomPx)} px)`);
    }
    return out;
  });
}

/** WCAG 2.x contrast of each element's text against the first opaque background behind it. */
function contrastOf(page: Page, selector: string): Promise<{ text: string; ratio: number }[]> {
  return page.evaluate((sel) => {
    const parse = (color: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(color);
      if (!m) return [0, 0, 0, 0];
      const parts = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const luminance = ([r, g, b]: number[]) => {
      const channel = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    };
    const background = (el: Element): number[] => {
      // Composite the translucent layers from the page down to the element.
      const layers: number[][] = [];
      for (let node: Element | null = el; node; node = node.parentElement) {
        const c = parse(getComputedStyle(node).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let rgb = [255, 255, 255];
      for (const [r, g, b, a] of layers.reverse())
        rgb = [r! * a! + rgb[0]! * (1 - a!), g! * a! + rgb[1]! * (1 - a!), b! * a! + rgb[2]! * (1 - a!)];
      return rgb;
    };
    return [...document.querySelectorAll(sel)]
      .filter((el) => (el.textContent ?? '').trim() !== '')
      .map((el) => {
        const fg = parse(getComputedStyle(el).color);
        const l1 = luminance(fg);
        const l2 = luminance(background(el));
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        return { text: el.textContent!.trim(), ratio: Math.round(ratio * 100) / 100 };
      });
  }, selector);
}

const CELLS =
  '[role="grid"][aria-label="Exchanges"] [role="row"] [role="cell"], [role="grid"][aria-label="Exchanges"] [role="columnheader"]';

beforeAll(async () => {
  const refused = await closedPort();
  await e2e.viaProxy('/api/users?page=1');
  await e2e.viaProxy('/missing');
  await e2e.viaProxy('/boom');
  // The proxy answers a refused upstream by resetting the client (or a 502): either is fine here.
  await e2e.viaProxy(`http://127.0.0.1:${refused}/health`).catch(() => undefined);
  await e2e.page.goto(e2e.app.uiUrl);
  await e2e.waitForRows(4);
});

describe('layout at 1024×700 and 1440×900, light and dark', () => {
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      const name = `${size.width}×${size.height} ${scheme}`;

      it(`${name}: the traffic list cuts no text and its status colours reach 4.5:1`, async () => {
        const page = e2e.page;
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        await e2e.openView('Traffic');
        await page.keyboard.press('Escape');
        await e2e.waitForRows(4);
        expect(await truncatedText(page, CELLS)).toEqual([]);
        const statuses = await contrastOf(page, '[role="row"][data-id] [class*="tone-"]');
        expect(statuses.map((s) => s.text).sort()).toEqual(
          ['200', '⚠ 404', '⚠ 500', '✖ refused', 'connect_refused'].sort(),
        );
        for (const s of statuses)
          expect(s, s.text).toMatchObject({ ratio: expect.toSatisfy((r: number) => r >= 4.5) });

        // Beside the detail pane (compact columns), the selected failure's reason stays whole.
        await e2e.rows().filter({ hasText: 'refused' }).click();
        await e2e.detail().waitFor({ timeout: WAIT_MS });
        expect(await truncatedText(page, CELLS)).toEqual([]);
        const selected = await contrastOf(page, '[role="row"][aria-selected="true"] [class*="tone-"]');
        expect(selected.map((s) => s.text)).toEqual(['✖ refused']);
        expect(selected[0]!.ratio).toBeGreaterThanOrEqual(4.5);
        await e2e.screenshot(`layout-traffic-${size.width}-${scheme}`);
      });

      it(`${name}: a notice never covers the detail pane`, async () => {
        const page = e2e.page;
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        await e2e.rows().filter({ hasText: 'refused' }).click();
        const pane = e2e.detail();
        await pane.waitFor({ timeout: WAIT_MS });
        // Paused capture: R cannot replay, and says so in a notice.
        await page.getByRole('button', { name: 'Stop capture' }).click();
        await page.keyboard.press('r');
        const notice = page.locator('.notices .notice').first();
        await notice.waitFor({ timeout: WAIT_MS });
        const a = (await notice.boundingBox())!;
        const b = (await pane.boundingBox())!;
        expect(a.x + a.width).toBeLessThanOrEqual(b.x);
        await notice.getByRole('button', { name: 'Dismiss' }).click();
        await page.getByRole('button', { name: 'Start capture' }).click();
      });

      it(`${name}: the Overview's text is neither cut nor overprinted`, async () => {
        const page = e2e.page;
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        await e2e.openView('Overview');
        await page.locator('.recharts-surface').first().waitFor({ timeout: WAIT_MS });
        await e2e.screenshot(`layout-overview-${size.width}-${scheme}`);
        expect(await overlappingText(page, 'main')).toEqual([]);
        expect(
          await truncatedText(page, 'main td, main th, main h2, main h3, main .card-value, main li, main p'),
        ).toEqual([]);
      });
    }
  }

  it('cuts off no placeholder of the filter, the monitor form or the probe tools, at both sizes', async () => {
    const page = e2e.page;
    await page.emulateMedia({ colorScheme: 'light' });
    const seen: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await e2e.openView('Traffic');
      await page.keyboard.press('Escape');
      seen.push(
        ...(await page
          .locator('main input[placeholder]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('placeholder')!))),
      );
      expect(await cutPlaceholders(page), `Traffic ${size.width}`).toEqual([]);
      await e2e.openView('Monitors');
      await page.getByRole('button', { name: 'Add monitor' }).click();
      await page.getByRole('form', { name: 'Add monitor' }).waitFor({ timeout: WAIT_MS });
      expect(await cutPlaceholders(page), `Monitors ${size.width}`).toEqual([]);
      await page.getByRole('form', { name: 'Add monitor' }).getByRole('button', { name: 'Cancel' }).click();
      await e2e.openView('Probes');
      for (const tool of ['Probe', 'Ping', 'Trace route', 'Ports']) {
        await page.getByRole('group', { name: 'Probe tools' }).getByRole('button', { name: tool }).click();
        seen.push(
          ...(await page
            .locator('main input[placeholder]')
            .evaluateAll((els) => els.map((el) => el.getAttribute('placeholder')!))),
        );
        expect(await cutPlaceholders(page), `Probes ${tool} ${size.width}`).toEqual([]);
      }
    }
    // The check saw the fields it is about (the filter and the probe target among them).
    expect(seen.some((p) => p.startsWith('Filter'))).toBe(true);
    expect(seen.some((p) => p.includes('db.internal:5432'))).toBe(true);
  });

  it('keeps the probe form still while a probe runs: no field moves when Run becomes Probing…', async () => {
    const page = e2e.page;
    await page.setViewportSize(SIZES[0]);
    // A server that accepts and never answers keeps the probe running for its HTTP phase.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      await e2e.openView('Probes');
      await page.getByRole('group', { name: 'Probe tools' }).getByRole('button', { name: 'Probe' }).click();
      const form = page.getByRole('form', { name: 'Probe' });
      await form.getByLabel('Target').fill(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`);
      await form.getByLabel('Timeout per phase (ms)').fill('3000');
      const boxes = () =>
        form.locator('input, button[type="submit"]').evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return `${r.x},${r.y},${r.width}`;
          }),
        );
      const before = await boxes();
      await form.getByRole('button', { name: 'Run' }).click();
      await form.locator('button[type="submit"][disabled]').waitFor({ timeout: WAIT_MS });
      expect(await boxes()).toEqual(before);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('draws a monitor chart whose labels neither overprint nor leave the chart, at both sizes', async () => {
    const page = e2e.page;
    await page.emulateMedia({ colorScheme: 'light' });
    await e2e.openView('Monitors');
    await page.getByRole('button', { name: 'Add monitor' }).click();
    const form = page.getByRole('form', { name: 'Add monitor' });
    await form.getByLabel('Name').fill('Local API');
    await form.getByLabel('Target').fill(`${e2e.origin}/api/users`);
    await form.getByLabel('Every (seconds)').fill('1');
    await form.getByRole('button', { name: 'Save monitor' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="monitor-chart"] .recharts-scatter-symbol').length >= 3,
      undefined,
      { timeout: WAIT_MS },
    );
    for (const size of SIZES) {
      for (const scheme of SCHEMES) {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        // Let the chart lay itself out again at the new size (a real signal: its surface's width).
        await page.waitForFunction(
          (width) => {
            const svg = document.querySelector('[data-testid="monitor-chart"] svg.recharts-surface');
            return svg !== null && svg.getBoundingClientRect().width < width;
          },
          size.width,
          { timeout: WAIT_MS },
        );
        expect(
          await overlappingText(page, '[data-testid="monitor-chart"]'),
          `${size.width} ${scheme}`,
        ).toEqual([]);
        expect(await truncatedText(page, 'main td, main th, main h2, main h3')).toEqual([]);
      }
    }
    expect(e2e.pageErrors).toEqual([]);
  });
});
