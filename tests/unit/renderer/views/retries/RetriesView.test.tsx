// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { groupRetryChains } from '@engine/analysis/retryChains';
import type { RetryChain } from '@shared/retry';
import { makeExchange } from '@fixtures/exchangeFactory';

let chains: RetryChain[] = [];
vi.mock('@renderer/api', () => ({
  call: vi.fn(async (channel: string) => {
    if (channel !== 'retries:list') throw new Error(`unexpected ${channel}`);
    return chains;
  }),
}));

const { RetriesView } = await import('@renderer/views/retries/RetriesView');
const { useStore } = await import('@renderer/store');

const T0 = 1_750_000_000_000;

function storm(): RetryChain[] {
  const exchanges = Array.from({ length: 5 }, (_, i) =>
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
  chains = [];
});

describe('RetriesView', () => {
  it('shows each chain with its verdict, flags with advice, and attempts', async () => {
    chains = storm();
    render(<RetriesView />);
    const chain = await screen.findByRole('article', { name: 'Retry chain' });
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

  it('explains what a chain is when there is none', async () => {
    render(<RetriesView />);
    await waitFor(() => expect(screen.getByText('No retries yet')).toBeTruthy());
  });
});
