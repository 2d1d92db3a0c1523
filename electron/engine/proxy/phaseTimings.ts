import type { FailurePhase } from '../../../shared/errors.js';
import type { Timings } from '../../../shared/timing.js';

/**
 * Monotonic instants (performance.now(), ms) observed on the sockets of one exchange. The pure
 * function below turns them into HAR-style phase durations (DESIGN.md "Timings").
 */
export interface PhaseMarks {
  /** The proxy has the request head. */
  startMs: number;
  /** The upstream connection was created (a new connection), or undefined. */
  connectionCreatedMs?: number;
  /** The request was handed a socket (new or pooled). */
  socketAssignedMs?: number;
  /** The connection carried an earlier exchange: no dns/connect/ssl for this one. */
  reused: boolean;
  lookupEndMs?: number;
  connectEndMs?: number;
  secureEndMs?: number;
  /** The request (head and body) was written upstream. */
  sentMs?: number;
  /** The first byte of the response (its head) arrived. */
  firstByteMs?: number;
  /** The response body ended. */
  endMs?: number;
  /** The exchange failed at this instant... */
  failedMs?: number;
  /** ...in this phase (that phase gets the time spent in it; later ones stay undefined). */
  failedPhase?: FailurePhase;
}

const round = (ms: number): number => Math.max(0, Math.round(ms * 1000) / 1000);

type TimedPhase = 'dns' | 'connect' | 'ssl' | 'send' | 'wait' | 'receive';

export function computeTimings(marks: PhaseMarks): Timings {
  const timings: Timings = {};
  const connectionStart = marks.reused
    ? marks.socketAssignedMs
    : (marks.connectionCreatedMs ?? marks.socketAssignedMs);
  if (connectionStart === undefined) {
    // Never got as far as a socket: the whole time went to the failing phase.
    if (marks.failedMs !== undefined && marks.failedPhase !== undefined && marks.failedPhase !== 'request') {
      const phase = toTimedPhase(marks.failedPhase);
      timings[phase] = round(marks.failedMs - marks.startMs);
    }
    return timings;
  }
  timings.blocked = round(connectionStart - marks.startMs);
  let cursor = connectionStart;
  const step = (phase: TimedPhase, endMs: number | undefined): boolean => {
    if (endMs !== undefined) {
      timings[phase] = round(endMs - cursor);
      cursor = endMs;
      return true;
    }
    if (
      marks.failedMs !== undefined &&
      marks.failedPhase !== undefined &&
      toTimedPhase(marks.failedPhase) === phase
    ) {
      timings[phase] = round(marks.failedMs - cursor);
      cursor = marks.failedMs;
    }
    return false;
  };
  if (!marks.reused) {
    step('dns', marks.lookupEndMs);
    if (!step('connect', marks.connectEndMs)) return timings;
    if (marks.secureEndMs !== undefined || marks.failedPhase === 'tls') {
      if (!step('ssl', marks.secureEndMs)) return timings;
    }
  }
  if (!step('send', marks.sentMs)) return timings;
  if (!step('wait', marks.firstByteMs)) return timings;
  step('receive', marks.endMs);
  return timings;
}

function toTimedPhase(phase: FailurePhase): TimedPhase {
  if (phase === 'tls') return 'ssl';
  if (phase === 'request') return 'send';
  return phase;
}
