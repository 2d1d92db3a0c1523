import type { FailurePhase } from '../../../shared/errors.js';
import type { Timings } from '../../../shared/timing.js';
import { timingPhaseOf } from '../../../shared/timing.js';

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

/**
 * The instant a failure happened, for the record: the moment its diagnosis measured
 * (`elapsedMs` after the start: the time its message states), not the moment the record was
 * closed, which comes a little later (after the client was answered). So the failing phase, the
 * phases' sum, the exchange's duration and the message all give one time. Kept between the last
 * socket event seen and now, so no phase comes out negative when `elapsedMs` was counted from a
 * later start (a client-side TLS handshake has its own clock).
 */
export function failureInstantMs(marks: PhaseMarks, elapsedMs: number, nowMs: number): number {
  const seen = [
    marks.startMs,
    marks.connectionCreatedMs,
    marks.socketAssignedMs,
    marks.lookupEndMs,
    marks.connectEndMs,
    marks.secureEndMs,
    marks.sentMs,
    marks.firstByteMs,
    marks.endMs,
  ].filter((ms): ms is number => ms !== undefined);
  const latestMs = Math.min(nowMs, Math.max(...seen));
  const atMs = marks.startMs + (Number.isFinite(elapsedMs) ? elapsedMs : Number.POSITIVE_INFINITY);
  return Math.min(nowMs, Math.max(latestMs, atMs));
}

type TimedPhase = 'dns' | 'connect' | 'ssl' | 'send' | 'wait' | 'receive';

export function computeTimings(marks: PhaseMarks): Timings {
  const timings: Timings = {};
  const connectionStart = marks.reused
    ? marks.socketAssignedMs
    : (marks.connectionCreatedMs ?? marks.socketAssignedMs);
  if (connectionStart === undefined) {
    // Never got as far as a socket: the whole time went to the failing phase.
    if (marks.failedMs !== undefined && marks.failedPhase !== undefined && marks.failedPhase !== 'request') {
      timings[timingPhaseOf(marks.failedPhase)] = round(marks.failedMs - marks.startMs);
    }
    return timings;
  }
  timings.blocked = round(connectionStart - marks.startMs);
  // Each phase runs from the end of the one before (the cursor); NaN: the phase did not end.
  let cursor = connectionStart;
  if (!marks.reused) {
    const afterDns = step(timings, marks, 'dns', marks.lookupEndMs, cursor);
    if (!Number.isNaN(afterDns)) cursor = afterDns;
    cursor = step(timings, marks, 'connect', marks.connectEndMs, cursor);
    if (Number.isNaN(cursor)) return timings;
    if (marks.secureEndMs !== undefined || marks.failedPhase === 'tls') {
      cursor = step(timings, marks, 'ssl', marks.secureEndMs, cursor);
      if (Number.isNaN(cursor)) return timings;
    }
  }
  cursor = step(timings, marks, 'send', marks.sentMs, cursor);
  if (Number.isNaN(cursor)) return timings;
  cursor = step(timings, marks, 'wait', marks.firstByteMs, cursor);
  if (Number.isNaN(cursor)) return timings;
  step(timings, marks, 'receive', marks.endMs, cursor);
  return timings;
}

/**
 * One phase from `cursor` to `endMs`: its duration, and the new cursor. A phase that did not
 * end gets the time up to the failure when it is the failing one; NaN then either way.
 */
function step(
  timings: Timings,
  marks: PhaseMarks,
  phase: TimedPhase,
  endMs: number | undefined,
  cursor: number,
): number {
  if (endMs !== undefined) {
    timings[phase] = round(endMs - cursor);
    return endMs;
  }
  if (
    marks.failedMs !== undefined &&
    marks.failedPhase !== undefined &&
    timingPhaseOf(marks.failedPhase) === phase
  ) {
    timings[phase] = round(marks.failedMs - cursor);
  }
  return Number.NaN;
}
