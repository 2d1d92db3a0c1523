/**
 * The Rules view end to end, as a user would drive it: NetLens in web mode, Debian's Chromium,
 * real HTTP through the real proxy to an origin on 127.0.0.1. A rule made in the form (its
 * problem shown under the field first, nothing saved), then traffic it resets, marked as injected
 * in the traffic list, named in the detail pane and counted by the Overview under the class it
 * imitates; switched off (by its key, `-`, then the switch), the traffic passes. An edit of
 * the rules file shows in the view without a reload.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineCall } from './engineCall.js';
import { useE2e, WAIT_MS } from './fixture.js';

const e2e = useE2e();

function rulesFile(): string {
  return path.join(e2e.app.dataDir, 'rules.json');
}

/** The status of a request through the proxy, or the error code when the connection broke. */
function statusOf(pathname: string): Promise<number | string> {
  return e2e.viaProxy(pathname).then(
    (response) => response.status,
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
}

describe('the Rules view in web mode', () => {
  it('shows the engine validator’s problem under the field and saves nothing until it is fixed', async () => {
    await e2e.openView('Rules');
    const page = e2e.page;
    await page.getByText('No rules: NetLens passes traffic as it is.').waitFor({ timeout: WAIT_MS });
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name', { exact: true }).fill('Reset x');
    await form.getByLabel('Path (glob)').fill('/x');
    await form.getByLabel('Fault', { exact: true }).selectOption('reset');
    await form.getByLabel('Probability (0–1)').fill('2');
    await form.getByRole('button', { name: 'Save rule' }).click();
    const problem = form.getByRole('alert').filter({ hasText: 'probability' });
    await problem.waitFor({ timeout: WAIT_MS });
    expect(await problem.innerText()).toBe(
      'probability: 2 is out of range: expected a probability from 0 to 1',
    );
    expect(existsSync(rulesFile())).toBe(false);

    await form.getByLabel('Probability (0–1)').fill('');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('listitem', { name: 'Rule Reset x' }).waitFor({ timeout: WAIT_MS });
    const saved = JSON.parse(readFileSync(rulesFile(), 'utf8')) as { rules: unknown[] };
    expect(saved.rules).toEqual([
      { name: 'Reset x', match: { path: '/x' }, fault: { type: 'reset' }, id: 'reset-x' },
    ]);
  });

  it('marks the exchange the rule reset and names the rule in the detail pane', async () => {
    // Node reports the RST as ECONNRESET; a request the rule does not match passes.
    expect(await statusOf('/x')).toBe('ECONNRESET');
    expect(await statusOf('/y')).toBe(200);
    await e2e.openView('Traffic');
    await e2e.waitForRows(2);
    const injected = e2e.rows().filter({ hasText: '/x' });
    expect(await injected.getAttribute('class')).toContain('injected');
    expect(await injected.innerText()).toContain('rule Reset x');
    const passed = e2e.rows().filter({ hasText: '/y' });
    expect(await passed.getAttribute('class')).not.toContain('injected');
    await injected.click();
    const detail = e2e.detail();
    await detail.waitFor({ timeout: WAIT_MS });
    await expect.poll(() => detail.innerText(), { timeout: WAIT_MS }).toContain('NetLens rule "Reset x"');
    await e2e.screenshot('rules-injected-row');
    // The Overview counts it under the class it imitates, apart from real failures.
    await e2e.openView('Overview');
    const overview = e2e.page.getByRole('table', { name: 'Top error messages' });
    await expect
      .poll(() => overview.innerText(), { timeout: WAIT_MS })
      .toContain('injected: connection_reset');
  });

  it('lets the traffic through once the rule is switched off, and counts what the rule did', async () => {
    // Its key: the number row's next one.
    await e2e.page.keyboard.press('-');
    const item = e2e.page.getByRole('listitem', { name: 'Rule Reset x' });
    await expect.poll(() => item.locator('.rule-hits').innerText(), { timeout: WAIT_MS }).toBe('1');
    await item.getByRole('switch', { name: 'Enable Reset x' }).uncheck();
    await expect
      .poll(
        () =>
          (JSON.parse(readFileSync(rulesFile(), 'utf8')) as { rules: { enabled?: boolean }[] }).rules[0]
            ?.enabled,
        {
          timeout: WAIT_MS,
        },
      )
      .toBe(false);
    // The file is written before the rules are put in force (rulesController.save): wait for the
    // engine's own state, or a request in between still meets the rule.
    await expect
      .poll(
        async () =>
          ((await engineCall(e2e.app, 'rules:get')) as { rules: { enabled?: boolean }[] }).rules[0]?.enabled,
        { timeout: WAIT_MS },
      )
      .toBe(false);
    expect(await statusOf('/x')).toBe(200);
    await e2e.openView('Traffic');
    await e2e.waitForRows(3);
  });

  it('follows an edit of the rules file without a reload', async () => {
    await e2e.openView('Rules');
    writeFileSync(
      rulesFile(),
      JSON.stringify({
        rules: [{ name: 'Busy', match: { path: '/busy' }, respond: { status: 503, body: 'busy' } }],
      }),
    );
    await e2e.page.getByRole('listitem', { name: 'Rule Busy' }).waitFor({ timeout: WAIT_MS });
    expect(await e2e.page.getByRole('listitem', { name: 'Rule Reset x' }).count()).toBe(0);
    const busy = await e2e.viaProxy('/busy');
    expect([busy.status, busy.text]).toEqual([503, 'busy']);
    expect(e2e.pageErrors).toEqual([]);
  });
});
