/**
 * A probe's or a sample's phases as one horizontal bar, in the waterfall's colours
 * (shared/timing), each segment labelled for screen readers and in its tooltip.
 */
import { formatDurationMs } from '../../../shared/format';
import { formatDuration } from '../../format';
import { TIMING_COLORS, TIMING_LABELS, timingRanges, type Timings } from '../../../shared/timing';

export function PhaseBar({ timings, label }: { timings: Timings; label?: string }) {
  const ranges = timingRanges(timings);
  const total = ranges.length > 0 ? ranges[ranges.length - 1]!.endMs : 0;
  if (ranges.length === 0 || total <= 0) return null;
  return (
    <div className="phase-bar" role="img" aria-label={label ?? `Phases, ${formatDurationMs(total)} in all`}>
      {ranges.map((r) => (
        <span
          key={r.phase}
          className="phase-bar-segment"
          data-phase={r.phase}
          title={`${TIMING_LABELS[r.phase]}: ${formatDurationMs(r.endMs - r.startMs)}`}
          style={{
            left: `${(r.startMs / total) * 100}%`,
            width: `max(2px, ${((r.endMs - r.startMs) / total) * 100}%)`,
            background: TIMING_COLORS[r.phase],
          }}
        />
      ))}
    </div>
  );
}

export function PhaseLegend({ timings }: { timings: Timings }) {
  const ranges = timingRanges(timings);
  return (
    <ul className="phase-legend">
      {ranges.map((r) => (
        <li key={r.phase} data-phase={r.phase}>
          <span className="phase-swatch" style={{ background: TIMING_COLORS[r.phase] }} />
          {TIMING_LABELS[r.phase]} <span className="num">{formatDuration(r.endMs - r.startMs)}</span>
        </li>
      ))}
    </ul>
  );
}
