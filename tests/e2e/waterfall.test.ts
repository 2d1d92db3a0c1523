/**
 * The waterfall end to end: real exchanges through the proxy, drawn on a HiDPI canvas; hover
 * shows the phase breakdown, Ctrl+wheel zooms, dragging pans, and the view follows the filter.
 */
import { describe, expect, it } from 'vitest';
import { useE2e, WAIT_MS } from './fixture.js';

const e2e = useE2e({
  page: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 },
  upstream(req, res) {
    // A measurable wait so the "wait" phase has a bar worth hovering.
    setTimeout(
      () => res.end(req.url?.includes('missing') ? 'no' : 'ok'),
      req.url?.includes('slow') ? 120 : 5,
    );
  },
});

async function viaProxy(path: string): Promise<number> {
  return (await e2e.viaProxy(path)).status;
}

/** The tick labels drawn on the axis are not in the DOM: compare axis pixels instead. */
async function axisPixels(): Promise<string> {
  return e2e.page.getByRole('img', { name: /Waterfall chart/ }).evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, Math.round(24 * devicePixelRatio)).data;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i]! + data[i + 1]! * 7) | 0;
    return String(hash);
  });
}

/** The canvas redraws on the next animation frame: poll its axis until it is (or is not) `than`. */
function axisSettles(matcher: 'toBe' | 'not.toBe', than: string): Promise<void> {
  const poll = expect.poll(axisPixels, { timeout: WAIT_MS });
  return matcher === 'toBe' ? poll.toBe(than) : poll.not.toBe(than);
}

describe('waterfall', () => {
  it('draws real exchanges on a canvas sized for the device pixel ratio', async () => {
    await e2e.page.getByLabel('Getting started').waitFor({ timeout: WAIT_MS });
    expect(await viaProxy('/slow')).toBe(200);
    expect(await viaProxy('/fast')).toBe(200);
    expect(await viaProxy('/slow-again')).toBe(200);
    await e2e.openView('Waterfall');
    const canvas = e2e.page.getByRole('img', { name: 'Waterfall chart of 3 exchanges' });
    await canvas.waitFor({ timeout: WAIT_MS });
    const size = await canvas.evaluate((element) => {
      const c = element as HTMLCanvasElement;
      return { width: c.width, cssWidth: c.getBoundingClientRect().width };
    });
    expect(size.width).toBe(Math.round(size.cssWidth * 2));
  });

  it('shows the phase breakdown of the hovered exchange', async () => {
    const canvas = e2e.page.getByRole('img', { name: /Waterfall chart/ });
    const box = (await canvas.boundingBox())!;
    // Row 1 (the first /slow) sits under the 24 px axis, 20 px per row.
    await e2e.page.mouse.move(box.x + 300, box.y + 24 + 10);
    const tooltip = e2e.page.getByRole('tooltip');
    await tooltip.waitFor({ timeout: WAIT_MS });
    const text = await tooltip.innerText();
    expect(text).toContain(`/slow`);
    expect(text).toMatch(/Wait \(TTFB\)\s+\d+\u00a0ms/);
    expect(text).toMatch(/Total\s+\d+\u00a0ms/);
    const waitMs = Number(/Wait \(TTFB\)\s+(\d+)\u00a0ms/.exec(text)![1]);
    expect(waitMs).toBeGreaterThanOrEqual(100);
  });

  it('zooms with Ctrl+wheel and the buttons, pans by dragging, and fits again', async () => {
    const canvas = e2e.page.getByRole('img', { name: /Waterfall chart/ });
    const box = (await canvas.boundingBox())!;
    const fitted = await axisPixels();
    await e2e.page.mouse.move(box.x + 600, box.y + 200);
    await e2e.page.keyboard.down('Control');
    await e2e.page.mouse.wheel(0, -400);
    await e2e.page.keyboard.up('Control');
    await axisSettles('not.toBe', fitted);
    const zoomed = await axisPixels();
    await e2e.page.mouse.move(box.x + 600, box.y + 200);
    await e2e.page.mouse.down();
    await e2e.page.mouse.move(box.x + 800, box.y + 200, { steps: 5 });
    await e2e.page.mouse.up();
    await axisSettles('not.toBe', zoomed);
    await e2e.page.getByRole('button', { name: 'Fit' }).click();
    await axisSettles('toBe', fitted);
    await e2e.page.getByRole('button', { name: 'Zoom in' }).click();
    await axisSettles('not.toBe', fitted);
  });

  it('shows only the filtered exchanges', async () => {
    await e2e.page.getByRole('searchbox', { name: 'Filter exchanges' }).fill('slow');
    await e2e.page.getByRole('img', { name: 'Waterfall chart of 2 exchanges' }).waitFor({ timeout: WAIT_MS });
    await e2e.page.getByRole('searchbox', { name: 'Filter exchanges' }).fill('');
    await e2e.page.getByRole('img', { name: 'Waterfall chart of 3 exchanges' }).waitFor({ timeout: WAIT_MS });
  });
});
