import { memo } from 'react';
import type { Exchange } from '../../../shared/model';
import { TIMING_COLORS, timingRanges } from '../../../shared/timing';
import type { TimeBounds } from './sessionBounds';

/**
 * The exchange's phases placed on the session's time axis (DevTools' waterfall column), as ONE
 * element with a gradient: rows are created by the dozen on every scroll frame, so each element counts.
 */
export const MiniWaterfall = memo(function MiniWaterfall({
  exchange,
  bounds,
}: {
  exchange: Exchange;
  bounds: TimeBounds | undefined;
}) {
  if (!bounds) return null;
  const span = bounds.endMs - bounds.startMs;
  const offset = exchange.startedAtMs - bounds.startMs;
  const stops: string[] = [];
  for (const r of timingRanges(exchange.timings)) {
    const from = ((offset + r.startMs) / span) * 100;
    // At least ~1px (0.5% of a 200px column) so short phases stay visible.
    const to = Math.max(((offset + r.endMs) / span) * 100, from + 0.5);
    stops.push(
      `transparent ${from}%`,
      `${TIMING_COLORS[r.phase]} ${from}%`,
      `${TIMING_COLORS[r.phase]} ${to}%`,
      `transparent ${to}%`,
    );
  }
  if (stops.length === 0) return null;
  return (
    <div
      className="mini-waterfall"
      aria-hidden="true"
      style={{ backgroundImage: `linear-gradient(to right, ${stops.join(', ')})` }}
    />
  );
});
