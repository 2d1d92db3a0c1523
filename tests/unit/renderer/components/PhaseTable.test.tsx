// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { PhaseTable } from '@renderer/components/PhaseTable';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory';

afterEach(cleanup);

function rowNames(): string[] {
  return within(screen.getByRole('table', { name: 'Timing phases' }))
    .getAllByRole('row')
    .map((row) => row.getAttribute('aria-label') ?? '');
}

describe('PhaseTable', () => {
  it('lists every phase in order, with the reason a phase did not happen, then the total', () => {
    render(
      <PhaseTable
        exchange={makeExchange({
          url: 'http://127.0.0.1:8080/x',
          timings: { connect: 2, send: 1, wait: 30 },
        })}
      />,
    );
    expect(rowNames()).toEqual([
      'Blocked: skipped',
      'DNS: skipped',
      'Connect: 2.0 ms',
      'TLS: skipped',
      'Send: 1.0 ms',
      'Wait (TTFB): 30 ms',
      'Receive: skipped',
      'Total: 33 ms',
    ]);
    expect(screen.getByRole('row', { name: 'DNS: skipped' }).textContent).toContain('IP address, no lookup');
    expect(screen.getByRole('row', { name: 'TLS: skipped' }).textContent).toContain('plain HTTP');
  });

  it('compact (the waterfall tooltip) keeps only the phases that happened and the total', () => {
    render(
      <PhaseTable exchange={makeExchange({ timings: { dns: 1, connect: 2, send: 1, wait: 30 } })} compact />,
    );
    expect(rowNames()).toEqual([
      'DNS: 1.0 ms',
      'Connect: 2.0 ms',
      'Send: 1.0 ms',
      'Wait (TTFB): 30 ms',
      'Total: 34 ms',
    ]);
  });

  it('marks the phase a failure happened in, TLS failures in the TLS row', () => {
    render(
      <PhaseTable
        exchange={makeFailedExchange(
          { class: 'tls_handshake_failed', phase: 'tls', elapsedMs: 15 },
          { url: 'https://a.test/', timings: { dns: 1, connect: 2, ssl: 12 } },
        )}
        compact
      />,
    );
    expect(screen.getByRole('row', { name: 'TLS: 12 ms' }).textContent).toContain('✖');
    expect(screen.getByRole('row', { name: 'Connect: 2.0 ms' }).textContent).not.toContain('✖');
  });
});
