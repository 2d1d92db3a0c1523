// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { OverviewView } from '@renderer/views/overview/OverviewView';
import { useStore } from '@renderer/store';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory';

beforeAll(() => {
  // Recharts' ResponsiveContainer observes its size; jsdom has no ResizeObserver.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(() => {
  cleanup();
  useStore.getState().setExchanges([]);
  useStore.getState().setFilter('');
  useStore.getState().setView('traffic');
});

const T0 = Date.UTC(2026, 0, 1, 12);

function seed() {
  useStore
    .getState()
    .setExchanges([
      makeExchange({ url: 'http://a.test/x', startedAtMs: T0, durationMs: 20 }),
      makeExchange({ url: 'http://a.test/y', startedAtMs: T0 + 10, status: 503, durationMs: 900 }),
      makeFailedExchange(
        { class: 'connect_refused', message: 'Failed to connect to b.test:80: refused.' },
        { url: 'http://b.test/z', startedAtMs: T0 + 20, durationMs: 2 },
      ),
    ]);
  useStore.getState().setView('overview');
}

/** The cards are drawn one per task (useStaggeredReveal): wait for the last. */
async function cardsDrawn() {
  await waitFor(() => expect(screen.queryAllByRole('region', { busy: true })).toHaveLength(0), {
    timeout: 15_000,
  });
}

describe('OverviewView', () => {
  it('summarises the session', async () => {
    seed();
    render(<OverviewView />);
    await cardsDrawn();
    expect(screen.getByRole('region', { name: 'Overview' }).textContent).toContain(
      '3 requests · 2 failed (66.7%)',
    );
    const slowest = screen.getByRole('table', { name: 'Slowest endpoints' });
    expect(within(slowest).getAllByRole('row')[1]!.textContent).toContain('GET /y a.test');
  });

  it('a click on an error row filters the traffic view by its class', async () => {
    seed();
    render(<OverviewView />);
    await cardsDrawn();
    const errors = screen.getByRole('table', { name: 'Top error messages' });
    fireEvent.click(within(errors).getByText('Failed to connect to b.test:80: refused.'));
    expect(useStore.getState().filterText).toBe('error:connect_refused');
    expect(useStore.getState().view).toBe('traffic');
  });

  it('a click on a status class or a host filters too', async () => {
    seed();
    render(<OverviewView />);
    await cardsDrawn();
    fireEvent.click(screen.getByRole('button', { name: '5xx: 1' }));
    expect(useStore.getState().filterText).toBe('status:5xx');
    useStore.getState().setView('overview');
    fireEvent.click(within(screen.getByRole('table', { name: 'Latency percentiles' })).getByText('b.test'));
    expect(useStore.getState().filterText).toBe('host:b.test');
  });

  it('limits itself to the filtered set on request', () => {
    seed();
    useStore.getState().setFilter('host:a.test');
    useStore.getState().setView('overview');
    render(<OverviewView />);
    fireEvent.click(screen.getByRole('button', { name: 'Filtered set' }));
    expect(screen.getByRole('region', { name: 'Overview' }).textContent).toContain(
      '2 requests · 1 failed (50.0%)',
    );
  });
});
