/**
 * The traffic UI end to end, as a user would drive it: NetLens in web mode (`netlens web`),
 * Debian's Chromium, real HTTP through the real proxy to a server this test starts, including a
 * request to a port nothing listens on. Rows appear live, the filter narrows them, an exchange
 * opens into its timing and diagnosis, the waterfall paints, and a HAR downloads and validates.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { closedPort, useE2e, WAIT_MS, type ProxiedResponse } from './fixture.js';

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

const e2e = useE2e({
  clipboard: true,
  upstream(req, res) {
    if (req.url?.startsWith('/api/items')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: [1, 2, 3] }));
    } else if (req.url?.startsWith('/api/broken')) {
      res.statusCode = 503;
      res.setHeader('content-type', 'text/plain');
      res.end('maintenance');
    } else {
      let received = '';
      req.on('data', (c: Buffer) => (received += c.toString()));
      req.on('end', () => res.end(`echo ${received}`));
    }
  },
});
let refusedPort: number;
let harPath = '';

/** One request through the NetLens proxy, tagged with a request id. */
function viaProxy(url: string, method = 'GET', body?: string): Promise<ProxiedResponse> {
  return e2e.viaProxy(url, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: { 'x-request-id': 'e2e-1' },
  });
}

beforeAll(async () => {
  refusedPort = await closedPort();
});

describe('traffic UI in web mode', () => {
  it('shows the empty state with the proxy address and CA path', async () => {
    const help = e2e.page.getByLabel('Getting started');
    await help.waitFor({ timeout: WAIT_MS });
    const text = await help.innerText();
    expect(text).toContain(e2e.app.proxyUrl);
    expect(text).toContain(e2e.app.caCertPath);
    expect(text).toContain(`curl -x ${e2e.app.proxyUrl}`);
    expect(await e2e.page.getByRole('status', { name: 'Status' }).innerText()).toContain(e2e.app.proxyUrl);
  });

  it('shows real exchanges live as they go through the proxy, the failing one included', async () => {
    const ok = await viaProxy(`${e2e.origin}/api/items?page=1`);
    expect(ok.status).toBe(200);
    await e2e.waitForRows(1);
    const broken = await viaProxy(`${e2e.origin}/api/broken`);
    expect(broken.status).toBe(503);
    await viaProxy(`${e2e.origin}/echo`, 'POST', '{"hello":"world"}');
    // The proxy may answer 502 or mirror the failure by resetting the client: either is a failure.
    const refused = await viaProxy(`http://127.0.0.1:${refusedPort}/api/items`).then(
      (r) => r.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect([502, 503, 504, 'ECONNRESET', 'EPIPE']).toContain(refused);
    await e2e.waitForRows(4);
    expect(await e2e.rows().count()).toBe(4);
    const status = await e2e.page.getByRole('status', { name: 'Status' }).innerText();
    expect(status).toContain('4 exchanges');
    expect(status).toContain('1 error');
    const failedRow = e2e.rows().filter({ hasText: 'connect_refused' });
    expect(await failedRow.count()).toBe(1);
    // The status column says what failed, with the error-class table's label.
    expect(await failedRow.innerText()).toContain('✖ refused');
  });

  it('filters with the filter language and shows parse errors inline', async () => {
    const filter = e2e.page.getByRole('searchbox', { name: 'Filter exchanges' });
    await filter.fill('is:error');
    await e2e.waitForRows(1);
    expect(await e2e.rows().innerText()).toContain(`127.0.0.1:${refusedPort}`.split(':')[0]);
    await filter.fill('status:5xx');
    await e2e.waitForRows(1);
    expect(await e2e.rows().innerText()).toContain('503');
    await filter.fill('-method:GET');
    await e2e.waitForRows(1);
    expect(await e2e.rows().innerText()).toContain('POST');
    await filter.fill('colour:red');
    const errors = e2e.page.getByRole('alert', { name: 'Filter errors' });
    await errors.waitFor({ timeout: WAIT_MS });
    expect(await errors.innerText()).toContain('"colour" is not a filter key');
    // `/` focuses the filter, Esc clears it.
    await e2e.page.locator('body').click({ position: { x: 5, y: 500 } });
    await e2e.page.keyboard.press('/');
    await e2e.page.keyboard.press('Escape');
    expect(await filter.inputValue()).toBe('');
    await e2e.waitForRows(4);
    // The row menu narrows the filter to a host: host:port, so the refused server on another
    // port of 127.0.0.1 is another host.
    await e2e.rows().filter({ hasText: '/echo' }).click({ button: 'right' });
    const menu = e2e.page.getByRole('menu', { name: 'Exchange actions' });
    const origin = `127.0.0.1:${e2e.upstreamPort}`;
    await menu.getByRole('menuitem', { name: `Show only ${origin}`, exact: true }).click();
    expect(await filter.inputValue()).toBe(`host:${origin}`);
    await e2e.waitForRows(3);
    await filter.fill('');
  });

  it('opens a failed exchange into its diagnosis and timing', async () => {
    // The detail pane is open (the row menu selected /echo): compact columns, the status says why.
    await e2e.rows().filter({ hasText: '✖ refused' }).dispatchEvent('mousedown');
    const detail = e2e.detail();
    await detail.waitFor({ timeout: WAIT_MS });
    const diagnosis = detail.getByLabel('Diagnosis').first();
    const diagnosisText = await diagnosis.innerText();
    expect(diagnosisText).toContain('connect_refused');
    expect(diagnosisText).toContain('connect');
    expect(diagnosisText).toContain(String(refusedPort));
    await detail.getByRole('tab', { name: 'Timing' }).click();
    const connect = detail.getByRole('row', { name: /^Connect: [\d.]+ ms$/ });
    expect(await connect.count()).toBe(1);
    expect(await detail.getByRole('row', { name: /^Wait \(TTFB\): skipped$/ }).count()).toBe(1);
  });

  it('reads the phase timings of a successful exchange, moving there with the arrow keys', async () => {
    const detail = e2e.detail();
    // Rows are in start order: the refused request is last; three ↑ reach the first one. The
    // keys work wherever the focus is, except in a text field.
    await e2e.page.keyboard.press('ArrowUp');
    await e2e.page.keyboard.press('ArrowUp');
    await e2e.page.keyboard.press('ArrowUp');
    await e2e.page.waitForFunction(() =>
      document.querySelector('aside .url')?.textContent?.includes('/api/items?page=1'),
    );
    const wait = detail.getByRole('row', { name: /^Wait \(TTFB\): [\d.]+ ms$/ });
    expect(await wait.count()).toBe(1);
    expect(await wait.innerText()).toMatch(/[\d.]+\u00a0ms/);
    await detail.getByRole('tab', { name: 'Body' }).click();
    const body = detail.getByLabel('response body', { exact: true });
    await body.waitFor({ timeout: WAIT_MS });
    expect(await body.innerText()).toContain('"items": [');
  });

  it('copies a request as cURL that replays it against the upstream server', async () => {
    await e2e.rows().filter({ hasText: '/echo' }).dispatchEvent('mousedown');
    const detail = e2e.detail();
    await e2e.page.waitForFunction(() =>
      document.querySelector('aside .url')?.textContent?.includes('/echo'),
    );
    await detail.getByRole('button', { name: 'Copy as cURL' }).click();
    await detail.getByRole('button', { name: '✓ Copied' }).waitFor({ timeout: WAIT_MS });
    const command = await e2e.page.evaluate(() => navigator.clipboard.readText());
    // A POST with a body needs no -X; the body goes after --data-raw, the URL after --url.
    expect(command).toMatch(/^curl .*--data-raw .* --url http:\/\/127\.0\.0\.1:\d+\/echo$/);
    expect(command).not.toContain(e2e.app.proxyUrl);
    // The shell runs it as copied: straight to the upstream, with the recorded body. (Async: the
    // upstream server lives in this process and must keep answering.)
    const { stdout } = await execFileAsync(
      '/bin/sh',
      ['-c', command.replace(/^curl /, '/usr/bin/curl -s ')],
      {
        encoding: 'utf8',
        timeout: 10_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      },
    );
    expect(stdout).toBe('echo {"hello":"world"}');
  });

  it('paints the waterfall on the canvas in the timing colours', async () => {
    await e2e.openView('Waterfall');
    const canvas = e2e.page.getByRole('img', { name: /Waterfall chart of 4 exchanges/ });
    await canvas.waitFor({ timeout: WAIT_MS });
    // The canvas paints on the next animation frame: poll until both colours are there.
    const paintedPixels = () =>
      canvas.evaluate((element) => {
        const c = element as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        // The "wait" phase green (#66bb6a) and "connect" orange (#ffa726), exactly.
        let wait = 0;
        let connect = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] === 0x66 && data[i + 1] === 0xbb && data[i + 2] === 0x6a) wait++;
          if (data[i] === 0xff && data[i + 1] === 0xa7 && data[i + 2] === 0x26) connect++;
        }
        return { wait, connect, width: c.width };
      });
    await expect
      .poll(async () => Math.min((await paintedPixels()).wait, (await paintedPixels()).connect), {
        timeout: WAIT_MS,
      })
      .toBeGreaterThan(0);
    const painted = await paintedPixels();
    expect(painted.width).toBeGreaterThan(0);
    expect(painted.wait).toBeGreaterThan(0);
    expect(painted.connect).toBeGreaterThan(0);
    // A click on a row selects the exchange and opens its detail.
    const box = (await canvas.boundingBox())!;
    await e2e.page.mouse.click(box.x + 400, box.y + 24 + 20 * 1 + 10);
    const detail = e2e.detail();
    await detail.waitFor({ timeout: WAIT_MS });
    expect(await detail.locator('.url').innerText()).toContain('/api/broken');
  });

  it('exports a HAR that downloads and validates against the HAR 1.2 schema', async () => {
    await e2e.openView('Traffic');
    await e2e.page.getByRole('button', { name: 'Export HAR…' }).click();
    const dialog = e2e.page.getByRole('dialog', { name: 'Export HAR' });
    await dialog.waitFor({ timeout: WAIT_MS });
    const [download] = await Promise.all([
      e2e.page.waitForEvent('download', { timeout: WAIT_MS }),
      dialog.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^netlens-.*\.har$/);
    const har = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      log: { entries: { request: { url: string }; _error?: { class: string } }[] };
    };
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    const schemas = require('har-schema') as Record<string, object>;
    for (const schema of Object.values(schemas)) ajv.addSchema(schema);
    const validate = ajv.getSchema('har.json#')!;
    const valid = validate(har);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(har.log.entries).toHaveLength(4);
    expect(har.log.entries.find((e) => e._error)?._error?.class).toBe('connect_refused');
    harPath = (await download.path())!;
  });

  it('clears the session, then imports the HAR back through the file picker', async () => {
    await e2e.page.getByRole('button', { name: 'Clear', exact: true }).click();
    await e2e.page.getByLabel('Getting started').waitFor({ timeout: WAIT_MS });
    await e2e.page.getByLabel('HAR file to import').setInputFiles({
      name: 'session.har',
      mimeType: 'application/json',
      buffer: readFileSync(harPath),
    });
    await e2e.waitForRows(4);
    expect(await e2e.rows().filter({ hasText: 'connect_refused' }).count()).toBe(1);
    expect(e2e.pageErrors).toEqual([]);
  });
});
