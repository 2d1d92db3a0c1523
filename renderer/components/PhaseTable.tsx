import { formatDurationMs } from '../../shared/format';
import { formatDuration } from '../format';
import type { Exchange } from '../../shared/model';
import type { TimingPhase } from '../../shared/timing';
import {
  TIMING_COLORS,
  TIMING_LABELS,
  TIMING_PHASES,
  timingPhaseOf,
  timingRanges,
  totalTimeMs,
} from '../../shared/timing';

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** An IP literal needs no lookup: dotted digits, or IPv6 (the URL parser keeps its brackets). */
function isIpLiteral(host: string): boolean {
  // Bounded: a host name is at most 253 characters (RFC 1035 §2.3.4); anything longer is no IP.
  return host.length <= 255 && (host.startsWith('[') || /^[\d.]+$/.test(host));
}

/** Why a phase has no bar: said in words, so "0 ms" never hides "did not happen". */
function skippedReason(exchange: Exchange, phase: TimingPhase): string {
  const reused = exchange.connection.reused;
  if (reused && (phase === 'dns' || phase === 'connect' || phase === 'ssl'))
    return 'did not happen: connection reused';
  if (phase === 'ssl' && !exchange.request.url.startsWith('https:')) return 'did not happen: plain HTTP';
  if (phase === 'blocked') return 'did not happen: no queueing';
  if (phase === 'dns' && isIpLiteral(hostOf(exchange.request.url)))
    return 'did not happen: IP address, no lookup';
  if (exchange.error) return 'not reached: the exchange failed earlier';
  if (exchange.state === 'pending') return 'not yet';
  return 'did not happen';
}

export interface PhaseTableProps {
  exchange: Exchange;
  /** For tooltips: only the phases that happened, and no reasons for the others. */
  compact?: boolean;
}

/**
 * The phases of one exchange (shared/timing.ts lays them out): each as a bar on the exchange's
 * own time axis with its duration, the failing phase marked ✖, then the total. The detail
 * pane's Timing tab and the waterfall's tooltip both show this table.
 */
export function PhaseTable({ exchange, compact = false }: PhaseTableProps) {
  const ranges = timingRanges(exchange.timings);
  const totalMs = totalTimeMs(exchange.timings);
  const scale = totalMs > 0 ? totalMs : 1;
  const byPhase = new Map(ranges.map((r) => [r.phase, r]));
  const failedIn = exchange.error ? timingPhaseOf(exchange.error.phase) : undefined;
  return (
    <table className={`phase-table${compact ? ' compact' : ''}`} aria-label="Timing phases">
      <tbody>
        {TIMING_PHASES.map((phase) => {
          const range = byPhase.get(phase);
          const label = TIMING_LABELS[phase];
          if (!range) {
            if (compact) return null;
            return (
              <tr key={phase} className="skipped" aria-label={`${label}: skipped`}>
                <th scope="row">{label}</th>
                <td colSpan={2}>{skippedReason(exchange, phase)}</td>
              </tr>
            );
          }
          const ms = range.endMs - range.startMs;
          const failedHere = failedIn === phase;
          return (
            <tr
              key={phase}
              className={failedHere ? 'failed' : undefined}
              aria-label={`${label}: ${formatDurationMs(ms)}`}
            >
              <th scope="row">
                <i className="phase-swatch" aria-hidden="true" style={{ background: TIMING_COLORS[phase] }} />
                {label}
              </th>
              <td className="phase-track">
                <i
                  style={{
                    left: `${(range.startMs / scale) * 100}%`,
                    width: `${(ms / scale) * 100}%`,
                    background: TIMING_COLORS[phase],
                  }}
                />
              </td>
              <td className="num">
                {formatDuration(ms)}
                {failedHere ? ' ✖' : ''}
              </td>
            </tr>
          );
        })}
        <tr className="total" aria-label={`Total: ${formatDurationMs(totalMs)}`}>
          <th scope="row">Total</th>
          <td />
          <td className="num">{formatDuration(totalMs)}</td>
        </tr>
      </tbody>
    </table>
  );
}
