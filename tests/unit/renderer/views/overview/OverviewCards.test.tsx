// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { makeExchange } from '@fixtures/exchangeFactory';

vi.mock('@renderer/views/overview/cards/StatusCodesCard', () => ({
  StatusCodesCard() {
    throw new Error('status chart broke');
  },
}));

const { OverviewView } = await import('@renderer/views/overview/OverviewView');
const { OVERVIEW_CARDS } = await import('@renderer/views/overview/overviewCards');
const { useStore } = await import('@renderer/store');

beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(() => {
  cleanup();
  useStore.getState().setExchanges([]);
});

describe('Overview cards', () => {
  it('draws every registered card; one that throws shows its error and the others stay', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    useStore.getState().setExchanges([makeExchange({ url: 'http://a.test/x' })]);
    render(<OverviewView />);
    // Drawn one per task (useStaggeredReveal): wait for the last.
    await waitFor(() => expect(screen.queryAllByRole('region', { busy: true })).toHaveLength(0), {
      timeout: 15_000,
    });
    for (const card of OVERVIEW_CARDS) expect(screen.getByRole('region', { name: card.title })).toBeTruthy();
    const broken = screen.getByRole('region', { name: 'Status codes' });
    expect(within(broken).getByRole('alert', { name: 'Status codes failed' }).textContent).toContain(
      'status chart broke',
    );
    expect(within(broken).getByRole('button', { name: 'Reload card' })).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Slowest endpoints' }).textContent).toContain('GET /x a.test');
    quiet.mockRestore();
  });
});
