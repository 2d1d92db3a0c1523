import type { FailurePhase } from './errors.js';

/**
 * Phase timings of one exchange, in ms. `undefined` means the phase did not happen
 * (a reused connection has no dns/connect/ssl). Internally `connect` is the TCP handshake
 * only and `ssl` is separate; the HAR boundary adds ssl into connect (HAR 1.2).
 *
 * Where each phase starts and ends (the proxy's upstream side, monotonic clock):
 * - blocked: the request head was read → the request got an upstream socket (pooled or new);
 * - dns, connect, ssl: a new connection's lookup, TCP handshake and TLS handshake;
 * - send: the connection can carry the request (the pooled socket was assigned, or the new one
 *   finished its handshakes) → the request's last byte (head, or head and body) was handed to
 *   the upstream socket and not held back by it. A request written while the connection was
 *   still being set up goes out the moment it is ready, so its send is near 0; one the socket
 *   had to buffer (a large body, a server not reading) ends when the socket reports it written;
 * - wait: sent → the response head was read (time to first byte, as DevTools' "Waiting");
 * - receive: the response head → the end of the response body.
 * A server that answers before the request was fully sent ends send where the response begins.
 */
export interface Timings {
  blocked?: number;
  dns?: number;
  connect?: number;
  ssl?: number;
  send?: number;
  wait?: number;
  receive?: number;
}

export const TIMING_PHASES = ['blocked', 'dns', 'connect', 'ssl', 'send', 'wait', 'receive'] as const;
export type TimingPhase = (typeof TIMING_PHASES)[number];

export interface TimingRange {
  phase: TimingPhase;
  /** Offset from the start of the exchange. */
  startMs: number;
  endMs: number;
}

/** Human labels, in one place so the waterfall, timing tab and tooltip agree. */
export const TIMING_LABELS: Record<TimingPhase, string> = {
  blocked: 'Blocked',
  dns: 'DNS',
  connect: 'Connect',
  ssl: 'TLS',
  send: 'Send',
  wait: 'Wait (TTFB)',
  receive: 'Receive',
};

/** Colours shared by the waterfall and the timing tab (CSS colours, readable on light and dark). */
export const TIMING_COLORS: Record<TimingPhase, string> = {
  blocked: '#9e9e9e',
  dns: '#26a69a',
  connect: '#ffa726',
  ssl: '#ab47bc',
  send: '#42a5f5',
  wait: '#66bb6a',
  receive: '#1e88e5',
};

/**
 * The one function that lays phases out in time. Phases run in order, each starting where
 * the previous one ended; phases that did not happen (undefined or negative) take no room.
 */
export function timingRanges(timings: Timings): TimingRange[] {
  const ranges: TimingRange[] = [];
  let cursor = 0;
  for (const phase of TIMING_PHASES) {
    const duration = timings[phase];
    if (duration === undefined || !Number.isFinite(duration) || duration < 0) continue;
    ranges.push({ phase, startMs: cursor, endMs: cursor + duration });
    cursor += duration;
  }
  return ranges;
}

/** Sum of the phases that happened: the exchange's total time as HAR counts it. */
export function totalTimeMs(timings: Timings): number {
  const ranges = timingRanges(timings);
  return ranges.length === 0 ? 0 : ranges[ranges.length - 1]!.endMs;
}

/**
 * The one time of an exchange that every view shows for it — the list's Time, the diagnosis
 * banner's "after …", the Diagnosis tab's Elapsed, the waterfall's tooltip: its duration, else
 * (an imported entry without one) the time its failure was measured at, else its phases' sum.
 */
export function exchangeTimeMs(exchange: {
  durationMs?: number;
  error?: { elapsedMs: number };
  timings: Timings;
}): number | undefined {
  if (exchange.durationMs !== undefined) return exchange.durationMs;
  if (exchange.error) return exchange.error.elapsedMs;
  const totalMs = totalTimeMs(exchange.timings);
  return totalMs > 0 ? totalMs : undefined;
}

/**
 * The timing phase that holds the time of a failure in `phase` (a failed exchange counts the time
 * spent in its failing phase in that phase, HAR-style). `tls` is HAR's `ssl`; `request` (reading
 * the client's request, whose body streams upstream as it arrives) is `send`. The proxy's timings,
 * the HAR import, the timing tab and the probe view all ask this one function.
 */
export function timingPhaseOf(phase: FailurePhase): Exclude<TimingPhase, 'blocked'> {
  switch (phase) {
    case 'tls':
      return 'ssl';
    case 'request':
      return 'send';
    default:
      return phase;
  }
}
