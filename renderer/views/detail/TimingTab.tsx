import type { Exchange } from '../../../shared/model';
import { exchangeTimeMs, totalTimeMs } from '../../../shared/timing';
import { PhaseTable } from '../../components/PhaseTable';
import { formatClock, formatDuration } from '../../format';

/** The exchange's phases with their times, which did not happen and why, and its connection. */
export function TimingTab({ exchange }: { exchange: Exchange }) {
  const totalMs = totalTimeMs(exchange.timings);
  return (
    <div aria-label="Timing">
      <p>
        Started at {formatClock(exchange.startedAtMs)} ·{' '}
        {exchange.connection.reused ? (
          <strong>Connection reused (#{exchange.connection.id})</strong>
        ) : (
          <span>New connection #{exchange.connection.id}</span>
        )}
      </p>
      <PhaseTable exchange={exchange} />
      {exchange.error && (
        <p>
          Failed in the <strong>{exchange.error.phase}</strong> phase after{' '}
          {formatDuration(exchangeTimeMs(exchange))}; the time spent in that phase is counted in it.
        </p>
      )}
      {exchange.durationMs !== undefined && Math.abs(exchange.durationMs - totalMs) > 1 && (
        <p className="muted">
          Wall-clock duration {formatDuration(exchange.durationMs)} (includes time between phases, e.g. the
          client sending its body slowly).
        </p>
      )}
    </div>
  );
}
