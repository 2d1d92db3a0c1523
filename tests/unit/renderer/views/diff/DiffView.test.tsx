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

  it('shows the summary, tables, body verdicts and a folded line diff for the chosen pair', async () => {
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
    expect(
      within(summary)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(result.summary);
    expect(calls).toEqual([['diff:exchanges', left.id, right.id]]);
    const query = screen.getByRole('table', { name: 'Query parameters' });
    expect(query.textContent).toContain('v12changed');
    expect(screen.getByRole('region', { name: 'Request headers' }).textContent).toContain(
      'Header name case differs: Accept vs accept.',
    );
    const responseBody = screen.getByRole('region', { name: 'Response body' });
    expect(within(responseBody).getByText('different content')).toBeTruthy();
    const lineDiff = within(responseBody).getByRole('table', { name: 'Line diff' });
    // 3 lines of context each side of the change; the rest folded.
    expect(lineDiff.textContent).toContain('⋯ 12 unchanged lines');
    expect(lineDiff.textContent).toContain('LINE 15');
    expect(lineDiff.querySelectorAll('tr.line-same')).toHaveLength(6);
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
