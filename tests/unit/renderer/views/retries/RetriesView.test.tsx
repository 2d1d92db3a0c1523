// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { groupRetryChains } from '@engine/analysis/retryChains';
import type { RetryChain } from '@shared/retry';
import { makeExchange } from '@fixtures/exchangeFactory';
import { RetriesView } from '@renderer/views/retries/RetriesView';
import { useStore } from '@renderer/store';

const T0 = 1_750_000_000_000;

function storm(count = 5): RetryChain[] {
  const exchanges = Array.from({ length: count }, (_, i) =>
    makeExchange({
      method: 'POST',
      url: 'http://127.0.0.1:9/api/pay',
      status: 503,
      startedAtMs: T0 + i * 12,
      durationMs: 10,
      response: { statusText: 'Service Unavailable' },
    }),
  );
  return groupRetryChains(exchanges);
}

afterEach(() => {
  cleanup();
  useStore.setState({ retryChains: [], retriesLoaded: false });
});

describe('RetriesView', () => {
  it('shows each chain with its verdict, flags with advice, and attempts', () => {
    const chains = storm();
    useStore.getState().setRetryChains(chains);
    render(<RetriesView />);
    const chain = screen.getByRole('article', { name: 'Retry chain' });
    expect(chain.textContent).toContain(
      'POST /api/pay: 5 attempts, still failing (last: 503 Service Unavailable)',
    );
    expect(chain.textContent).toContain('no backoff: retried immediately');
    const flags = screen.getByRole('list', { name: 'Flags' });
    expect(flags.textContent).toMatch(/Retry storm: 5 attempts/);
    expect(flags.textContent).toMatch(/Back off exponentially with jitter/);
    expect(flags.textContent).toMatch(/without an Idempotency-Key/);
    expect(
      screen.getByRole('list', { name: 'Attempts timeline' }).querySelectorAll('[role="listitem"]'),
    ).toHaveLength(5);
    fireEvent.click(screen.getByRole('button', { name: 'Attempt 3: 503 Service Unavailable' }));
    expect(useStore.getState().selectedId).toBe(chains[0]!.exchangeIds[2]);
    expect(useStore.getState().view).toBe('traffic');
  });

  it('explains what a chain is when there is none, and says it is loading before the list came', () => {
    render(<RetriesView />);
    expect(screen.getByText('Loading…')).toBeTruthy();
    act(() => useStore.getState().setRetryChains([]));
    expect(screen.getByText('No retries yet')).toBeTruthy();
  });

  it('follows retry:chain events: a chain appears, then grows, without asking the engine', () => {
    useStore.getState().setRetryChains([]);
    render(<RetriesView />);
    const [early] = storm(2);
    act(() => useStore.getState().applyEvents([{ type: 'retry:chain', chain: early! }]));
    expect(screen.getByRole('article', { name: 'Retry chain' }).textContent).toContain('2 attempts');
    const grown = { ...storm(4)[0]!, chainId: early!.chainId };
    act(() => useStore.getState().applyEvents([{ type: 'retry:chain', chain: grown }]));
    expect(screen.getByRole('article', { name: 'Retry chain' }).textContent).toContain('4 attempts');
    // An older snapshot of the same chain (fewer attempts) does not undo the newer one.
    act(() =>
      useStore
        .getState()
        .applyEvents([{ type: 'retry:chain', chain: { ...early!, chainId: early!.chainId } }]),
    );
    expect(screen.getByRole('article', { name: 'Retry chain' }).textContent).toContain('4 attempts');
    act(() => useStore.getState().applyEvents([{ type: 'exchanges:cleared' }]));
    expect(screen.getByText('No retries yet')).toBeTruthy();
  });
});
