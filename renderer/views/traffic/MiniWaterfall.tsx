import { memo } from 'react';
import type { Exchange } from '../../../shared/model';
import { TIMING_COLORS, timingRanges } from '../../../shared/timing';
import type { TimeBounds } from './sessionBounds';

/** The exchange's phases placed on the session's time axis (DevTools' waterfall column). */
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
  return (
    <div className="mini-waterfall" aria-hidden="true">
      {timingRanges(exchange.timings).map((r) => (
        <i
          key={r.phase}
          style={{
            left: `${((offset + r.startMs) / span) * 100}%`,
            width: `${((r.endMs - r.startMs) / span) * 100}%`,
            background: TIMING_COLORS[r.phase],
          }}
        />
      ))}
    </div>
  );
});
