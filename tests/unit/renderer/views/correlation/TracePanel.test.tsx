// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { TracePanel } from '@renderer/views/correlation/TracePanel';
import { useStore } from '@renderer/store';
import { headers, makeExchange } from '@fixtures/exchangeFactory';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

afterEach(() => {
  cleanup();
  useStore.getState().setExchanges([]);
  useStore.getState().setFilter('');
  useStore.getState().select(undefined);
});

describe('TracePanel', () => {
  const gateway = makeExchange({
    url: 'http://gw.test/checkout',
    requestHeaders: headers({ traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }),
  });
  const payments = makeExchange({
    url: 'http://payments.test/charge',
    requestHeaders: headers({ traceparent: `00-${TRACE}-b7ad6b7169203331-01` }),
  });
  const unrelated = makeExchange({
    url: 'http://other.test/',
    requestHeaders: headers({ 'X-Request-ID': 'zzz' }),
  });

  it('lists the other exchanges of the trace and opens one on click', () => {
    useStore.getState().setExchanges([gateway, payments, unrelated]);
    render(<TracePanel exchange={gateway} />);
    expect(screen.getByText(TRACE)).toBeTruthy();
    expect(screen.getByText(/from W3C traceparent/)).toBeTruthy();
    const rows = screen
      .getByRole('table', { name: 'Exchanges in the same trace' })
      .querySelectorAll('tbody tr');
    expect(rows).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'http://payments.test/charge' }));
    expect(useStore.getState().selectedId).toBe(payments.id);
  });

  it('sets the trace: filter', () => {
    useStore.getState().setExchanges([gateway, payments]);
    render(<TracePanel exchange={gateway} />);
    fireEvent.click(screen.getByRole('button', { name: 'Filter traffic by this trace' }));
    expect(useStore.getState().filterText).toBe(`trace:${TRACE}`);
  });

  it('explains where trace ids come from when there is none, and says when the trace has no other member', () => {
    useStore.getState().setExchanges([gateway, unrelated]);
    const { unmount } = render(<TracePanel exchange={makeExchange()} />);
    expect(screen.getByText(/No trace id on this exchange/)).toBeTruthy();
    unmount();
    render(<TracePanel exchange={unrelated} />);
    expect(screen.getByText(/No other exchange in this session carries this trace id/)).toBeTruthy();
  });
});
