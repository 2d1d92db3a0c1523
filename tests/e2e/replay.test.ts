/**
 * Replay and edit-and-resend in web mode, as a user drives them: the detail pane's Replay, the
 * row menu's Edit and resend, the links both ways and the one-click diff. The origin records what
 * arrived, so the test proves the edited request is the one sent.
 */
import { describe, expect, it } from 'vitest';
import { useE2e, WAIT_MS } from './fixture.js';

interface Arrived {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const arrived: Arrived[] = [];

const e2e = useE2e({
  page: { viewport: { width: 1440, height: 900 } },
  upstream(req, res) {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      arrived.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, got: body.length }));
    });
  },
});

async function waitForArrived(count: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (arrived.length < count) {
    if (Date.now() > deadline)
      throw new Error(`expected ${count} requests at the origin, got ${arrived.length}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('replay in web mode', () => {
  it('replays the selected exchange as recorded and links the two both ways', async () => {
    await e2e.viaProxy('/api/orders?page=1', {
      method: 'POST',
      body: '{"item":42}',
      headers: { 'content-type': 'application/json', 'x-client': 'e2e' },
    });
    await e2e.waitForRows(1);
    await e2e.rows().first().click();
    const detail = e2e.detail();
    await detail.getByRole('button', { name: 'Replay', exact: true }).click();
    await e2e.waitForRows(2);
    await waitForArrived(2);
    expect(arrived[1]).toMatchObject({ method: 'POST', url: '/api/orders?page=1', body: '{"item":42}' });
    expect(arrived[1]!.headers['x-client']).toBe('e2e');

    // The replay is selected and says what it replays.
    const links = detail.getByLabel('Replay links');
    await links.waitFor({ timeout: WAIT_MS });
    expect(await links.innerText()).toMatch(/Replay of\s*#1 POST/);
    await e2e.screenshot('replay-links-light');

    // The original lists its replay; following the link goes back.
    await links.getByRole('button', { name: '#1 POST' }).click();
    await expect
      .poll(() => detail.getByLabel('Replay links').innerText(), { timeout: WAIT_MS })
      .toMatch(/Replayed as\s*#2/);
    await detail.getByLabel('Replay links').getByRole('button', { name: '#2' }).click();

    // One click to the diff: original left, replay right.
    await detail.getByRole('button', { name: 'Diff with original' }).click();
    await e2e.page.getByLabel('Diff summary').waitFor({ timeout: WAIT_MS });
    await e2e.openView('Traffic');
  });

  it('edits method, URL, headers and body from the row menu and sends exactly that', async () => {
    const before = arrived.length;
    await e2e.rows().first().click({ button: 'right' });
    await e2e.page.getByRole('menuitem', { name: 'Edit and resend…' }).click();
    const dialog = e2e.page.getByRole('dialog', { name: /Edit and resend #1/ });
    await dialog.waitFor({ timeout: WAIT_MS });
    const headers = dialog.getByLabel('Headers');
    await expect.poll(() => headers.inputValue(), { timeout: WAIT_MS }).toContain('x-client: e2e');
    // Host and Content-Length are the replay's business, not the editor's.
    expect(await headers.inputValue()).not.toMatch(/^host:/im);
    expect(await dialog.getByLabel('Body').inputValue()).toBe('{"item":42}');

    await dialog.getByLabel('Method').fill('PUT');
    await dialog.getByLabel('URL').fill(`${e2e.origin}/api/orders/9?dry=1`);
    await headers.fill('content-type: application/json\nbroken line');
    const problem = dialog.getByRole('alert');
    expect(await problem.innerText()).toContain('line 2');
    expect(await dialog.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await headers.fill('content-type: application/json\nX-Edited: yes');
    await dialog.getByLabel('Body').fill('{"item":43,"note":"édité"}');
    await e2e.screenshot('replay-editor-light');
    await e2e.page.emulateMedia({ colorScheme: 'dark' });
    await e2e.screenshot('replay-editor-dark');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });

    await waitForArrived(before + 1);
    const sent = arrived.at(-1)!;
    expect(sent.method).toBe('PUT');
    expect(sent.url).toBe('/api/orders/9?dry=1');
    expect(sent.headers['x-edited']).toBe('yes');
    expect(sent.headers['x-client']).toBeUndefined();
    expect(sent.body).toBe('{"item":43,"note":"édité"}');
    expect(sent.headers['content-length']).toBe(String(Buffer.byteLength(sent.body)));

    await e2e.waitForRows(3);
    const links = e2e.detail().getByLabel('Replay links');
    await expect.poll(() => links.innerText(), { timeout: WAIT_MS }).toMatch(/Replay of\s*#1 POST/);
    expect(await e2e.detail().locator('.detail-header').innerText()).toContain('PUT');
    await e2e.screenshot('replay-links-dark');
    await e2e.page.emulateMedia({ colorScheme: 'light' });
    expect(e2e.pageErrors).toEqual([]);
  });

  it('replays the selected exchange with R and opens Edit and resend with E, from the keyboard', async () => {
    const before = arrived.length;
    const rowsBefore = await e2e.rows().count();
    await e2e.openView('Traffic');
    await e2e.rows().first().click();
    // Keys act from the list, not from a text field.
    await e2e.page.locator('body').focus();
    await e2e.page.keyboard.press('r');
    await waitForArrived(before + 1);
    expect(arrived.at(-1)).toMatchObject({ method: 'POST', url: '/api/orders?page=1', body: '{"item":42}' });
    await e2e.waitForRows(rowsBefore + 1);
    // The replay is selected: the detail pane says what it replays.
    await expect
      .poll(() => e2e.detail().getByLabel('Replay links').innerText(), { timeout: WAIT_MS })
      .toMatch(/Replay of\s*#1 POST/);

    await e2e.page.keyboard.press('e');
    const dialog = e2e.page.getByRole('dialog', { name: /Edit and resend #\d+/ });
    await dialog.waitFor({ timeout: WAIT_MS });
    await expect.poll(() => dialog.getByLabel('Body').inputValue(), { timeout: WAIT_MS }).toBe('{"item":42}');
    await e2e.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    // E only opened the editor: nothing more was sent.
    expect(arrived.length).toBe(before + 1);
    expect(e2e.pageErrors).toEqual([]);
  });
});
