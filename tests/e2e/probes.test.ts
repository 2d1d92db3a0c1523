/**
 * Probes and monitors end to end: NetLens in web mode (`netlens web`), Chromium, servers this
 * test starts on 127.0.0.1. A probe run from the UI shows its phases with times; a refused port
 * shows the taxonomy's message; a monitor created in the form charts its samples.
 */
import { describe, expect, it } from 'vitest';
import { closedPort, useE2e, WAIT_MS } from './fixture.js';

let upstreamStatus = 200;
const e2e = useE2e({
  page: { viewport: { width: 1280, height: 900 } },
  upstream(_req, res) {
    res.setHeader('X-Probe-Test', 'yes');
    res.writeHead(upstreamStatus).end('healthy');
  },
});

describe('Probes view', () => {
  it('runs a probe against a local server and shows each phase with its time', async () => {
    await e2e.openView('Probes');
    const target = `http://127.0.0.1:${e2e.upstreamPort}/health`;
    await e2e.page.getByLabel('Target').fill(target);
    await e2e.page.getByLabel('Timeout per phase (ms)').fill('3000');
    await e2e.page.getByRole('button', { name: 'Run' }).click();

    const result = e2e.page.getByRole('article', { name: `Probe of ${target}` });
    await result.waitFor({ timeout: WAIT_MS });
    await expect(result.getByRole('status').textContent()).resolves.toContain('HTTP 200');
    const phases = await result
      .locator('table.probe-phases tr')
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.step));
    expect(phases).toEqual(['dns', 'tcp', 'http']);
    const tcpTime = (await result.getByTestId('phase-time-tcp').textContent()) ?? '';
    expect(tcpTime).toMatch(/^\d+(\.\d+)?\u00a0(ms|s)$/);
    const httpTime = (await result.getByTestId('phase-time-http').textContent()) ?? '';
    expect(httpTime).toMatch(/^\d+(\.\d+)?\u00a0(ms|s)$/);
    await expect(result.getByText('X-Probe-Test').count()).resolves.toBeGreaterThan(0);
    await expect(result.locator('.phase-bar-segment').count()).resolves.toBeGreaterThan(0);
    await e2e.screenshot('probe');
  });

  it('explains a refused connection prominently', async () => {
    const port = await closedPort();

    await e2e.page.getByLabel('Target').fill(`127.0.0.1:${port}`);
    await e2e.page.getByRole('button', { name: 'Run' }).click();
    const alert = e2e.page.getByRole('article', { name: `Probe of 127.0.0.1:${port}` }).getByRole('alert');
    await alert.waitFor({ timeout: WAIT_MS });
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('connect_refused');
    expect(text).toContain(`Failed to connect to 127.0.0.1:${port}`);
  });
});

describe('Probes view tools', () => {
  it('TCP-pings a local server and shows who holds its port', async () => {
    await e2e.openView('Probes');
    const tools = e2e.page.getByRole('group', { name: 'Probe tools' });
    await tools.getByRole('button', { name: 'Ping' }).click();
    await e2e.page.getByLabel('Host:port').fill(`127.0.0.1:${e2e.upstreamPort}`);
    await e2e.page.getByLabel('Samples').fill('4');
    await e2e.page.getByLabel('Interval (ms)').fill('300');
    await e2e.page.getByRole('button', { name: 'Ping', exact: true }).last().click();
    // The samples stream in: while the ping runs, its chart already shows some of them.
    await e2e.page.waitForFunction(
      () => {
        const chart = document.querySelector('[aria-label="Ping result"][aria-busy="true"] svg.ping-chart');
        const drawn = Number(chart?.getAttribute('data-samples') ?? 0);
        return drawn >= 1 && drawn < 4;
      },
      undefined,
      { timeout: WAIT_MS },
    );
    const result = e2e.page.locator('[aria-label="Ping result"]:not([aria-busy="true"])');
    await result.waitFor({ timeout: WAIT_MS });
    await expect(result.getByRole('status').textContent()).resolves.toContain('4 sent, 4 received, 0% loss');
    await expect(result.locator('tbody tr').count()).resolves.toBe(4);
    await expect(result.locator('svg.ping-chart circle.point').count()).resolves.toBe(4);
    await e2e.screenshot('ping');

    await tools.getByRole('button', { name: 'Ports' }).click();
    await e2e.page.getByLabel('Port, process or address').fill(String(e2e.upstreamPort));
    const sockets = e2e.page.getByRole('region', { name: 'Listening sockets' });
    await sockets.waitFor({ timeout: WAIT_MS });
    await expect(sockets.getByRole('status').textContent()).resolves.toContain(
      `Port ${e2e.upstreamPort} is in use`,
    );
    await expect(sockets.getByText(`127.0.0.1:${e2e.upstreamPort}`).count()).resolves.toBe(1);
    await tools.getByRole('button', { name: 'Probe' }).click();
  });
});

describe('Monitors view', () => {
  it('creates a monitor and draws its chart', async () => {
    await e2e.openView('Monitors');
    await e2e.page.getByRole('button', { name: 'Add monitor' }).click();
    const form = e2e.page.getByRole('form', { name: 'Add monitor' });
    await form.getByLabel('Name').fill('Local health');
    await form.getByLabel('Target').fill(`http://127.0.0.1:${e2e.upstreamPort}/health`);
    await form.getByLabel('Every (seconds)').fill('1');
    await form.getByLabel('Timeout per phase (ms)').fill('2000');
    await form.getByLabel('Expected status').fill('200');
    await form.getByRole('button', { name: 'Save monitor' }).click();

    const detail = e2e.page.getByRole('article', { name: 'Monitor Local health' });
    await detail.waitFor({ timeout: WAIT_MS });
    // The stacked phase areas are SVG paths; an IP target has no DNS phase, so read the TTFB one.
    const area = detail.locator('[data-testid="monitor-chart"] .recharts-area path[name="Wait (TTFB)"]');
    await area.first().waitFor({ state: 'attached', timeout: WAIT_MS });
    await e2e.page.waitForFunction(
      () => document.querySelectorAll('[data-testid="monitor-chart"] .recharts-scatter-symbol').length >= 3,
      undefined,
      { timeout: WAIT_MS },
    );
    const d = (await area.first().getAttribute('d')) ?? '';
    expect(d.length).toBeGreaterThan(10);
    await expect(detail.getByTestId('monitor-uptime').textContent()).resolves.toBe('100.0 %');
    await expect(
      e2e.page.getByRole('complementary', { name: 'Monitor list' }).getByText('Local health').count(),
    ).resolves.toBe(1);
    expect(e2e.pageErrors).toEqual([]);
  });

  it('shows the monitor going down and up again, live', async () => {
    const detail = e2e.page.getByRole('article', { name: 'Monitor Local health' });
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
    await e2e.screenshot('monitors');
    expect(e2e.pageErrors).toEqual([]);
  });

  it('draws each sample with the marker its legend gives its verdict: a dot passed, a cross failed', async () => {
    const detail = e2e.page.getByRole('article', { name: 'Monitor Local health' });
    // One reading of the DOM (one React commit): the figures and the markers of the same samples.
    const seen = await detail.evaluate((article) => {
      const look = (el: Element) =>
        `${el.getAttribute('data-marker')} ${el.tagName} fill=${el.getAttribute('fill')} stroke=${el.getAttribute('stroke')}`;
      const plotted = [
        ...article.querySelectorAll('[data-testid="monitor-chart"] .recharts-scatter [data-marker]'),
      ];
      const legend = [...article.querySelectorAll('[data-legend] [data-marker]')];
      return {
        samples: article.querySelector('[data-testid="monitor-samples"]')?.textContent ?? '',
        plotted: plotted.map(look),
        legend: legend.map((el) => ({
          verdict: el.closest('[data-legend]')!.getAttribute('data-legend'),
          look: look(el),
        })),
      };
    });
    // The legend names both verdicts, each with its own shape.
    expect(seen.legend.map((l) => l.verdict)).toEqual(['passed', 'failed']);
    expect(seen.legend[0]!.look.split(' ')[1]).not.toBe(seen.legend[1]!.look.split(' ')[1]);
    // Every marker drawn looks exactly as its verdict's legend entry, and each sample has one.
    const legendLook = new Set(seen.legend.map((l) => l.look));
    for (const look of seen.plotted) expect(legendLook.has(look), look).toBe(true);
    const [, total, failed] = /^(\d+) \((\d+) failed\)$/.exec(seen.samples) ?? [];
    expect(Number(failed)).toBeGreaterThan(0);
    expect(seen.plotted.filter((l) => l.startsWith('failed ')).length).toBe(Number(failed));
    expect(seen.plotted.length).toBe(Number(total));
  });
});
