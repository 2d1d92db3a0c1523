// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { createAppStore } from '@renderer/store';
import { PingChart, roundUp } from '@renderer/views/probes/PingChart';

describe('live ping samples', () => {
  it('appends the samples of the running ping from the engine events, and ignores another ping', () => {
    const store = createAppStore();
    store.getState().startPingLive('ping-1');
    store.getState().applyEvents([
      {
        type: 'ping:sample',
        pingId: 'ping-1',
        sample: { seq: 1, ok: true, timeMs: 0.8 },
        address: '127.0.0.1',
      },
      { type: 'ping:sample', pingId: 'ping-0', sample: { seq: 9, ok: true, timeMs: 5 } },
      { type: 'ping:sample', pingId: 'ping-1', sample: { seq: 2, ok: false, error: 'connect_refused' } },
    ]);
    expect(store.getState().pingLive).toEqual({
      pingId: 'ping-1',
      address: '127.0.0.1',
      samples: [
        { seq: 1, ok: true, timeMs: 0.8 },
        { seq: 2, ok: false, error: 'connect_refused' },
      ],
    });
    // A new run starts empty.
    store.getState().startPingLive('ping-2');
    expect(store.getState().pingLive).toEqual({ pingId: 'ping-2', samples: [] });
  });
});

describe('PingChart', () => {
  afterEach(cleanup);

  it('rounds its axis to 1, 2 or 5 × 10ⁿ', () => {
    expect([0, 0.7, 1, 1.3, 3, 7, 12, 430].map(roundUp)).toEqual([1, 1, 1, 2, 5, 10, 20, 500]);
  });

  it('draws a point per reply and a ✕ per lost sample, and says so in its label', () => {
    render(
      <PingChart
        count={5}
        samples={[
          { seq: 1, ok: true, timeMs: 1.2 },
          { seq: 2, ok: false, error: 'timeout' },
          { seq: 3, ok: true, timeMs: 3.4 },
        ]}
      />,
    );
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe(
      'Ping times: 3 of 5 samples, slowest 3.4 ms, 1 without reply',
    );
    expect(chart.querySelectorAll('circle.point')).toHaveLength(2);
    expect(chart.querySelectorAll('text.lost')).toHaveLength(1);
    expect(chart.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(2);
  });
});
