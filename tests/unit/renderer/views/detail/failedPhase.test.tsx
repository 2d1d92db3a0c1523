// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { FAILURE_PHASES, type FailurePhase } from '@shared/errors';
import { TIMING_LABELS, TIMING_PHASES, timingPhaseOf, type Timings } from '@shared/timing';
import { makeFailedExchange } from '@fixtures/exchangeFactory';
import { TimingTab } from '@renderer/views/detail/TimingTab';

afterEach(cleanup);

describe('TimingTab marks the timing phase a failure happened in (shared timingPhaseOf)', () => {
  for (const phase of FAILURE_PHASES) {
    it(`failure in ${phase}`, () => {
      const failing = timingPhaseOf(phase);
      // Every phase up to and including the failing one took some time.
      const timings: Timings = {};
      for (const p of TIMING_PHASES.slice(1, TIMING_PHASES.indexOf(failing) + 1)) timings[p] = 2;
      const exchange = makeFailedExchange(
        { class: 'connection_reset', phase: phase as FailurePhase },
        { url: 'https://api.test/', timings },
      );
      render(<TimingTab exchange={exchange} />);
      const marked = screen.getAllByRole('row').filter((row) => row.textContent?.includes('✖'));
      expect(marked.map((row) => row.getAttribute('aria-label'))).toEqual([
        `${TIMING_LABELS[failing]}: 2.0 ms`,
      ]);
    });
  }
});
