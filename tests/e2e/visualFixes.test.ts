/**
 * Visual bugs found in daily use, kept fixed (each checked in the DOM or on the canvas, at
 * 1024×700): an empty waterfall draws no made-up axis; clicking a cell never scrolls the traffic
 * list sideways; request and response header values start at one x; a failure's time is one
 * number in the list, the banner, the message, the Timing and Diagnosis tabs and the waterfall's
 * tooltip, and its number never wraps apart from its unit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { closedPort, useE2e, WAIT_MS } from './fixture.js';

const e2e = useE2e({ page: { viewport: { width: 1024, height: 700 } } });
const NBSP = '\u00a0';

describe('visual fixes (issue: visual bugs)', () => {
  it('an empty waterfall says so and draws no time axis or grid', async () => {
    const page = e2e.page;
    await e2e.openView('Waterfall');
    await page.getByText('No exchanges yet.').waitFor({ timeout: WAIT_MS });
    const colours = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.waterfall-stage canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < data.length; i += 4)
        seen.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`);
      return { width: canvas.width, colours: [...seen] };
    });
    expect(colours.width).toBeGreaterThan(0);
    // One colour: the background, no tick lines, labels or axis band.
    expect(colours.colours).toHaveLength(1);
    await e2e.openView('Traffic');
  });

  describe('with traffic', () => {
    beforeAll(async () => {
      const refused = await closedPort();
      await e2e.viaProxy('/api/users?page=1');
      await e2e.viaProxy(`http://127.0.0.1:${refused}/health`).catch(() => undefined);
      await e2e.waitForRows(2);
    });

    it('clicking the Error cell selects the row without scrolling the list sideways', async () => {
      const page = e2e.page;
      await page.keyboard.press('Escape');
      const grid = page.getByRole('grid', { name: 'Exchanges' });
      const cell = e2e
        .rows()
        .filter({ hasText: 'refused' })
        .locator('[role="cell"]', { hasText: 'connect_refused' });
      const box = (await cell.boundingBox())!;
      expect(await grid.evaluate((g) => g.scrollLeft)).toBe(0);
      await page.mouse.click(box.x + 4, box.y + box.height / 2);
      await e2e.detail().waitFor({ timeout: WAIT_MS });
      const after = await grid.evaluate((g) => ({
        left: g.scrollLeft,
        overflow: g.scrollWidth - g.clientWidth,
      }));
      expect(after).toEqual({ left: 0, overflow: 0 });
      // The selected row's reason is in sight beside the pane.
      const status = e2e.rows().filter({ hasText: 'refused' }).getByText('refused', { exact: false }).first();
      const s = (await status.boundingBox())!;
      const g = (await grid.boundingBox())!;
      expect(s.x + s.width).toBeLessThanOrEqual(g.x + g.width);
    });

    it('request and response header values start at one x (one column grid)', async () => {
      await e2e.rows().filter({ hasText: '/api/users' }).click();
      const pane = e2e.detail();
      await pane.getByRole('tab', { name: 'Headers' }).click();
      const lefts = await pane.evaluate((root) =>
        ['General', 'Query string', 'Request headers', 'Response headers'].map((name) => {
          const cells = [...root.querySelectorAll(`table[aria-label="${name}"] td`)];
          return {
            name,
            lefts: [...new Set(cells.map((td) => Math.round(td.getBoundingClientRect().left)))],
          };
        }),
      );
      for (const table of lefts) expect(table.lefts, table.name).toHaveLength(1);
      expect(new Set(lefts.map((t) => t.lefts[0])).size).toBe(1);
    });

    it("gives a failure's time as one number everywhere, its unit never wrapped apart", async () => {
      const page = e2e.page;
      await e2e.openView('Traffic');
      const row = e2e.rows().filter({ hasText: 'refused' });
      await row.click();
      const listTime = (await row.locator('[role="cell"]').filter({ hasText: /ms$/ }).last().textContent())!;
      expect(listTime).toMatch(new RegExp(`^\\d+(\\.\\d+)?${NBSP}ms$`));
      const pane = e2e.detail();
      const banner = (await pane.getByRole('alert', { name: 'Diagnosis' }).textContent())!;
      // The banner's "after …" and the engine's message both say the list's time.
      expect(banner).toContain(`after ${listTime}`);
      expect(banner).toMatch(new RegExp(`refused after ${listTime.replace('.', '\\.')}`));
      await pane.getByRole('tab', { name: /Diagnosis/ }).click();
      const elapsed = pane
        .getByRole('table', { name: 'Error details' })
        .getByRole('row', { name: /Elapsed/ });
      expect((await elapsed.locator('td').textContent())!).toBe(listTime);
      await pane.getByRole('tab', { name: 'Timing' }).click();
      const total = pane.locator('tr.total td.num');
      expect(await total.textContent()).toBe(listTime);
      await expect.poll(() => pane.getByText(`phase after ${listTime}`).count()).toBe(1);

      await e2e.openView('Waterfall');
      const scroller = page.getByTestId('waterfall-scroller');
      const box = (await scroller.boundingBox())!;
      // The refused exchange is the second row under the axis.
      await page.mouse.move(box.x + 300, box.y + 24 + 20 + 10);
      const tooltip = page.getByRole('tooltip');
      await tooltip.waitFor({ timeout: WAIT_MS });
      expect(await tooltip.textContent()).toContain(`(connect, ${listTime})`);
      await e2e.openView('Traffic');
      expect(e2e.pageErrors).toEqual([]);
    });
  });
});
