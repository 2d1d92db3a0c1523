/**
 * The analysis views end to end, in web mode with Chromium, over real traffic through the real
 * proxy: a signed request whose body was re-serialised fails, and the diff against the last
 * success names the key order; a client retries a flaky endpoint with exponential backoff, and
 * the Retries view shows the chain and its verdict; a bar of the overview's status chart filters
 * the traffic view.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useE2e, WAIT_MS } from './fixture.js';

const SIGNED_BODY = '{"amount":1250,"currency":"EUR"}';

let flakyHits = 0;
let againHits = 0;
const e2e = useE2e({
  openUi: false,
  upstream(req, res) {
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
      } else if (req.url === '/again') {
        againHits += 1;
        res.statusCode = againHits <= 2 ? 503 : 200;
        res.end(againHits <= 2 ? '{"error":"busy"}' : '{"ok":true}');
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  },
});

async function viaProxy(path: string, method = 'GET', body?: string): Promise<number> {
  return (await e2e.viaProxy(path, { method, ...(body === undefined ? {} : { body }) })).status;
}

/** The client's own backoff: the behaviour under test, not a wait for the UI. */
const backoff = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  expect(await viaProxy('/v1/charges', 'POST', SIGNED_BODY)).toBe(200);
  expect(await viaProxy('/v1/charges', 'POST', '{"currency":"EUR","amount":1250}')).toBe(401);
  // A client with exponential backoff: 150 ms × 2ⁿ after each 5xx. Four waits, because with the
  // browser starting alongside, a wait can run tens of ms long, and three points cannot tell a
  // noisy exponential from a line.
  for (let attempt = 0; attempt < 7; attempt += 1) {
    if ((await viaProxy('/flaky')) < 500) break;
    await backoff(150 * 2 ** attempt);
  }
  await e2e.page.goto(e2e.app.uiUrl);
  await e2e.waitForRows(7);
});

describe('analysis views in web mode', () => {
  it('diffs a failed signed request against the last success and names the key order', async () => {
    // The status cell, not the whole row: a start time such as 09:26:53.401 contains "401" too.
    await e2e
      .rows()
      .filter({ has: e2e.page.locator('[role="cell"]:nth-child(4)', { hasText: '401' }) })
      .click();
    const detail = e2e.detail();
    await detail.getByRole('button', { name: 'Compare with last success' }).click();
    const summary = e2e.page.getByRole('region', { name: 'Diff summary' });
    await summary.waitFor({ timeout: WAIT_MS });
    // One sentence first, in words, the failing request as its subject.
    expect(await summary.locator('.diff-headline').innerText()).toBe(
      'The failing request had a request body that differs only in key order (same JSON, different bytes) ' +
        'and got 401 Unauthorized where the successful one got 200 OK; the response body differs in 2 keys.',
    );
    const items = await summary
      .getByRole('list', { name: 'Differences' })
      .getByRole('listitem')
      .allInnerTexts();
    expect(items[0]).toBe('Status: 401 Unauthorized → 200 OK');
    expect(items).toContainEqual(
      expect.stringMatching(/^Request body: same JSON, different key order — bytes first differ at offset 2/),
    );
    const requestBody = e2e.page.getByRole('region', { name: 'Request body' });
    expect(await requestBody.getByRole('heading', { level: 4 }).first().innerText()).toBe(
      'First differing byte: offset 2 (line 1, column 3)',
    );
    // Both bodies pretty-printed side by side: the moved key aligned and marked, not removed + added.
    const sideBySide = requestBody.getByRole('table', { name: 'Request body side by side' });
    const left = await sideBySide.locator('tbody .line-left').allInnerTexts();
    const right = await sideBySide.locator('tbody .line-right').allInnerTexts();
    // The failing request (left) sent its keys the other way round; the right follows its order.
    expect(left.map((t) => t.trim())).toEqual(['{', '"currency": "EUR",', '"amount": 1250', '}']);
    expect(right.map((t) => t.trim())).toEqual(['{', '"currency": "EUR",', '"amount": 1250', '}']);
    expect(await sideBySide.locator('tr.line-moved').count()).toBe(1);
    expect(await sideBySide.locator('tr[data-kind="added"], tr[data-kind="removed"]').count()).toBe(0);
    // The left and right columns line up across sections (one grid).
    const columnX = (table: string) =>
      e2e.page
        .getByRole('table', { name: table })
        .locator('thead th, tbody th, tbody td')
        .nth(1)
        .evaluate((cell) => Math.round(cell.getBoundingClientRect().left));
    expect(await columnX('Request body side by side')).toBe(await columnX('Timing comparison'));
    await e2e.screenshot('diff');
    await requestBody.scrollIntoViewIfNeeded();
    await e2e.screenshot('diff-body');
    await e2e.page.emulateMedia({ colorScheme: 'dark' });
    await e2e.screenshot('diff-body-dark');
    await e2e.page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows the retry chain with its timeline and verdict', async () => {
    await e2e.openView('Retries');
    const chains = e2e.page.getByRole('list', { name: 'Retry chains' });
    await chains.getByRole('listitem').first().waitFor({ timeout: WAIT_MS });
    expect(await chains.getByRole('listitem').count()).toBe(1);
    const chain = e2e.page.getByRole('article', { name: 'Retry chain' });
    expect(await chain.locator('.chain-summary').innerText()).toMatch(
      // Jitter is not asserted: the proxy sees the client's scheduling noise as well as its sleeps.
      /^GET \/flaky: 5 attempts, succeeded after 4 failures; exponential backoff ≈?×[\d.]+/,
    );
    const attempts = chain.getByRole('list', { name: 'Attempts timeline' }).getByRole('listitem');
    expect(await attempts.count()).toBe(5);
    expect(await attempts.nth(4).getByRole('button').getAttribute('aria-label')).toBe('Attempt 5: 200 OK');
    expect(await chain.getByRole('list', { name: 'Flags' }).count()).toBe(0);
    await e2e.screenshot('retries');
    await e2e.page.emulateMedia({ colorScheme: 'dark' });
    await e2e.screenshot('retries-dark');
    await e2e.page.emulateMedia({ colorScheme: 'light' });
  });

  it("adds a chain that forms while the Retries view is open, from the engine's events", async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if ((await viaProxy('/again')) < 500) break;
      await backoff(100);
    }
    const chains = e2e.page.getByRole('list', { name: 'Retry chains' });
    await chains.getByRole('listitem').nth(1).waitFor({ timeout: WAIT_MS });
    expect(await chains.getByRole('listitem').count()).toBe(2);
    expect(await chains.innerText()).toContain('GET 127.0.0.1');
    expect(await chains.getByRole('listitem').first().innerText()).toContain('/again');
  });

  it('filters the traffic view when a bar of the status chart is clicked', async () => {
    await e2e.openView('Overview');
    const bar = e2e.page.getByRole('region', { name: 'Status codes' }).locator('[data-filter="status:503"]');
    await bar.waitFor({ timeout: WAIT_MS });
    await e2e.screenshot('overview');
    await bar.click();
    const filter = e2e.page.getByRole('searchbox', { name: 'Filter exchanges' });
    await filter.waitFor({ timeout: WAIT_MS });
    expect(await filter.inputValue()).toBe('status:503');
    // Four 503s of /flaky, two of /again.
    await e2e.waitForRows(6);
    const rows = await e2e.rows().allInnerTexts();
    expect(rows.every((text) => text.includes('503'))).toBe(true);
    expect(e2e.pageErrors).toEqual([]);
  });
});
