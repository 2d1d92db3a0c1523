import type { Exchange } from '../../../shared/model';
import type { TimingPhase } from '../../../shared/timing';
import {
  TIMING_COLORS,
  TIMING_LABELS,
  TIMING_PHASES,
  timingRanges,
  totalTimeMs,
  timingPhaseOf,
} from '../../../shared/timing';
import { formatClock } from '../../format';
import { formatDurationMs } from '../../../shared/format';

/** Why a phase has no bar: said in words, so "0 ms" never hides "did not happen". */
function skippedReason(exchange: Exchange, phase: TimingPhase): string {
  const reused = exchange.connection.reused;
  if (reused && (phase === 'dns' || phase === 'connect' || phase === 'ssl'))
    return 'did not happen: connection reused';
  if (phase === 'ssl' && !exchange.request.url.startsWith('https:')) return 'did not happen: plain HTTP';
  if (phase === 'blocked') return 'did not happen: no queueing';
  if (phase === 'dns' && /^[\d.]+$|:/.test(hostOf(exchange.request.url)))
    return 'did not happen: IP address, no lookup';
  if (exchange.error) return 'not reached: the exchange failed earlier';
  if (exchange.state === 'pending') return 'not yet';
  return 'did not happen';
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Each phase as a bar on the exchange's own time axis, with its ms written beside it. */
export function TimingTab({ exchange }: { exchange: Exchange }) {
  const ranges = timingRanges(exchange.timings);
  const totalMs = totalTimeMs(exchange.timings);
  const scale = totalMs > 0 ? totalMs : 1;
  const byPhase = new Map(ranges.map((r) => [r.phase, r]));
  const failedPhase = exchange.error?.phase;
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
      <div role="list" aria-label="Timing phases">
        {TIMING_PHASES.map((phase) => {
          const range = byPhase.get(phase);
          const failedHere = failedPhase !== undefined && timingPhaseOf(failedPhase) === phase;
          if (!range) {
            return (
              <div
                key={phase}
                role="listitem"
                className="timing-row skipped"
                aria-label={`${TIMING_LABELS[phase]}: skipped`}
              >
                <span>{TIMING_LABELS[phase]}</span>
                <span>{skippedReason(exchange, phase)}</span>
                <span />
              </div>
            );
          }
          const ms = range.endMs - range.startMs;
          return (
            <div
              key={phase}
              role="listitem"
              className="timing-row"
              aria-label={`${TIMING_LABELS[phase]}: ${formatDurationMs(ms)}`}
            >
              <span>
                <i
                  aria-hidden="true"
                  style={{
                    display: 'inline-block',
                    width: 10,
                    height: 10,
                    marginRight: 6,
                    background: TIMING_COLORS[phase],
                  }}
                />
                {TIMING_LABELS[phase]}
              </span>
              <span className="timing-track">
                <i
                  style={{
                    left: `${(range.startMs / scale) * 100}%`,
                    width: `${(ms / scale) * 100}%`,
                    background: TIMING_COLORS[phase],
                    outline: failedHere ? '2px solid var(--danger)' : undefined,
                  }}
                />
              </span>
              <span className="num">
                {formatDurationMs(ms)}
                {failedHere ? ' ✖' : ''}
              </span>
            </div>
          );
        })}
        <div
          role="listitem"
          className="timing-row"
          aria-label={`Total: ${formatDurationMs(totalMs)}`}
          style={{ fontWeight: 600 }}
        >
          <span>Total</span>
          <span />
          <span className="num">{formatDurationMs(totalMs)}</span>
        </div>
      </div>
      {exchange.error && (
        <p>
          Failed in the <strong>{exchange.error.phase}</strong> phase after{' '}
          {formatDurationMs(exchange.error.elapsedMs)}; the time spent in that phase is counted in it.
        </p>
      )}
      {exchange.durationMs !== undefined && Math.abs(exchange.durationMs - totalMs) > 1 && (
        <p className="muted">
          Wall-clock duration {formatDurationMs(exchange.durationMs)} (includes time between phases, e.g. the
          client sending its body slowly).
        </p>
      )}
    </div>
  );
}
