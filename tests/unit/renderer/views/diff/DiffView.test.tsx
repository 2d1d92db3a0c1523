// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { diffExchanges } from '@engine/analysis/exchangeDiff';
import type { ExchangeDiff } from '@shared/diff';
import { body, headers, makeExchange } from '@fixtures/exchangeFactory';

let result: ExchangeDiff | Error;
const calls: unknown[][] = [];
vi.mock('@renderer/api', () => ({
  call: vi.fn(async (...args: unknown[]) => {
    calls.push(args);
    if (result instanceof Error) throw result;
    return result;
  }),
}));

const { DiffView } = await import('@renderer/views/diff/DiffView');
const { useStore } = await import('@renderer/store');

afterEach(() => {
  cleanup();
  calls.length = 0;
  useStore.setState({ diffPair: undefined });
});

const text = (lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');

describe('DiffView', () => {
  it('explains how to start when no pair is chosen', () => {
    render(<DiffView />);
    expect(screen.getByText('Compare two exchanges')).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it('shows the sentence, the summary, tables, body verdicts and a folded side-by-side diff for the chosen pair', async () => {
    const left = makeExchange({
      url: 'http://a.test/config?v=1',
      requestHeaders: headers({ Accept: '*/*' }),
      response: { body: body(10, 'text/plain') },
    });
    const right = makeExchange({
      url: 'http://a.test/config?v=2',
      requestHeaders: headers({ accept: '*/*' }),
      response: { body: body(10, 'text/plain') },
    });
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const changed = lines.map((l, i) => (i === 15 ? 'LINE 15' : l));
    result = diffExchanges(left, right, {
      left: { request: new Uint8Array(), response: text(lines) },
      right: { request: new Uint8Array(), response: text(changed) },
    });
    useStore.getState().openDiff(left.id, right.id);
    render(<DiffView />);
    const summary = await screen.findByRole('region', { name: 'Diff summary' });
    expect(summary.querySelector('.diff-headline')?.textContent).toBe(result.headline);
    expect(result.headline).toMatch(/^The left request had different query parameters \(v\)/);
    expect(
      within(within(summary).getByRole('list', { name: 'Differences' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(result.findings.filter((f) => f.material).map((f) => f.text));
    expect(calls).toEqual([['diff:exchanges', left.id, right.id]]);
    const query = screen.getByRole('table', { name: 'Query parameters' });
    expect(query.textContent).toContain('v12changed');
    expect(screen.getByRole('region', { name: 'Request headers' }).textContent).toContain(
      'Header name case differs: Accept vs accept.',
    );
    const responseBody = screen.getByRole('region', { name: 'Response body' });
    expect(within(responseBody).getByText('different content')).toBeTruthy();
    const lineDiff = within(responseBody).getByRole('table', { name: 'Response body side by side' });
    // 3 lines of context each side of the change; the rest folded.
    expect(lineDiff.textContent).toContain('⋯ 12 unchanged lines');
    expect(lineDiff.textContent).toContain('⋯ 11 unchanged lines');
    expect(lineDiff.querySelectorAll('tr.line-same')).toHaveLength(6);
    // The changed line sits next to what replaced it, on one row.
    const changedRow = lineDiff.querySelector('tr.line-changed')!;
    expect(changedRow.querySelector('.line-left')?.textContent).toBe('line 15');
    expect(changedRow.querySelector('.line-right')?.textContent).toBe('LINE 15');
  });

  it('shows JSON bodies pretty-printed side by side, a moved key marked moved, and the timing legend', async () => {
    const left = makeExchange({ method: 'POST', request: { body: body(30, 'application/json') } });
    const right = makeExchange({ method: 'POST', request: { body: body(30, 'application/json') } });
    result = diffExchanges(left, right, {
      left: { request: new TextEncoder().encode('{"amount":1250,"currency":"EUR","note":"a"}') },
      right: { request: new TextEncoder().encode('{"currency":"EUR","amount":1250,"note":"b"}') },
    });
    useStore.getState().openDiff(left.id, right.id);
    render(<DiffView />);
    const requestBody = await screen.findByRole('region', { name: 'Request body' });
    const table = within(requestBody).getByRole('table', { name: 'Request body side by side' });
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('.line-left')?.textContent)).toEqual([
      '{',
      '  "amount": 1250,',
      '  "currency": "EUR",',
      '  "note": "a"',
      '}',
    ]);
    expect(rows.filter((r) => r.classList.contains('line-moved'))).toHaveLength(1);
    expect(rows.filter((r) => r.getAttribute('data-kind') === 'changed').map((r) => r.textContent)).toEqual([
      '44  "note": "a"  "note": "b"changed',
    ]);
    expect(within(requestBody).getByText(/member marked ↕ moved sits elsewhere/)).toBeTruthy();
    // The byte offsets stay for the signature case.
    expect(within(requestBody).getByRole('heading', { name: /First differing byte: offset 2/ })).toBeTruthy();
    expect(screen.getByLabelText('Timing legend').textContent).toContain('under 1 ms not coloured');
  });

  it('lists real header differences first and groups per-request noise below', async () => {
    const left = makeExchange({
      responseHeaders: headers({
        Date: 'Mon, 07 Dec 2026 10:00:00 GMT',
        'X-Request-ID': 'a1',
        'Cache-Control': 'no-store',
      }),
    });
    const right = makeExchange({
      responseHeaders: headers({
        Date: 'Mon, 07 Dec 2026 10:00:05 GMT',
        'X-Request-ID': 'b2',
        'Cache-Control': 'max-age=60',
      }),
    });
    result = diffExchanges(left, right, {
      left: { request: new Uint8Array(), response: new Uint8Array() },
      right: { request: new Uint8Array(), response: new Uint8Array() },
    });
    useStore.getState().openDiff(left.id, right.id);
    render(<DiffView />);
    const section = await screen.findByRole('region', { name: 'Response headers' });
    const real = within(section).getByRole('table', { name: 'Response headers' });
    expect(real.textContent).toContain('Cache-Control');
    expect(real.textContent).not.toContain('X-Request-ID');
    const noise = within(section).getByRole('table', { name: 'Response headers: expected differences' });
    expect(noise.textContent).toContain('X-Request-ID');
    expect(noise.textContent).toContain('changes on every request');
    expect(section.querySelector('details summary')?.textContent).toMatch(
      /Expected to differ \(2\): Date, X-Request-ID/,
    );
  });

  it('says why a comparison failed', async () => {
    result = new Error('The left exchange (x) is no longer in the session.');
    useStore.getState().openDiff('x', 'y');
    render(<DiffView />);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not compare: The left exchange (x) is no longer in the session.',
    );
  });
});
