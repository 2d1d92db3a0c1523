/**
 * TCP step: connect to the resolved addresses in happy-eyeballs order (RFC 8305 §4), starting
 * the next attempt when the previous one failed or has not answered within the Connection
 * Attempt Delay (§5, 250 ms), and keeping the first connection that succeeds (the attempts
 * still running are cancelled). Each attempt keeps its own start offset, time and failure, and
 * is bounded by the phase timeout. With `allAddresses`, every address is tried, one at a time.
 */
import net from 'node:net';
import type { ResolvedAddress, TcpAttempt, TcpStep } from '../../../shared/probe.js';
import { happyEyeballsOrder } from './happyEyeballs.js';
import { probeErrorFrom, probeFailure } from './probeFailure.js';
import { monotonicMs, roundMs } from './probeClock.js';

export interface TcpProbeOptions {
  /** The name the user asked for, for messages. */
  host: string;
  port: number;
  addresses: readonly ResolvedAddress[];
  timeoutMs: number;
  /** Try every address (closing successful sockets but the first). */
  allAddresses?: boolean;
}

export interface TcpProbeResult {
  step: TcpStep;
  /** The connected socket the next layer goes on with; the caller owns (and destroys) it. */
  socket?: net.Socket;
}

/** At most this many attempts, so a name with hundreds of records stays bounded. */
export const MAX_TCP_ATTEMPTS = 16;
/** RFC 8305 §5: the recommended Connection Attempt Delay. */
export const CONNECTION_ATTEMPT_DELAY_MS = 250;

export async function tcpProbe(options: TcpProbeOptions): Promise<TcpProbeResult> {
  const started = monotonicMs();
  const ordered = happyEyeballsOrder(options.addresses).slice(0, MAX_TCP_ATTEMPTS);
  const { attempts, socket, connectedAddress } = options.allAddresses
    ? await connectEach(ordered, options, started)
    : await connectRacing(ordered, options, started);
  const durationMs = roundMs(monotonicMs() - started);
  const base = { kind: 'tcp' as const, port: options.port, attempts, durationMs };
  if (socket) return { step: { ...base, ok: true, connectedAddress }, socket };
  // The last attempt's failure speaks for the step; each attempt keeps its own.
  const last = attempts[attempts.length - 1];
  const error =
    last?.error ??
    probeFailure('connect_refused', {
      host: options.host,
      port: options.port,
      phase: 'connect',
      elapsedMs: durationMs,
      detail: 'no address to connect to',
    });
  return { step: { ...base, ok: false, error } };
}

interface ConnectOutcome {
  attempt: Omit<TcpAttempt, 'startOffsetMs'>;
  socket?: net.Socket;
}

interface Connected {
  attempts: TcpAttempt[];
  socket?: net.Socket;
  connectedAddress?: string;
}

/** Every address, one after the other; the first connection is kept, the others closed. */
async function connectEach(
  ordered: readonly ResolvedAddress[],
  options: TcpProbeOptions,
  started: number,
): Promise<Connected> {
  const result: Connected = { attempts: [] };
  for (const address of ordered) {
    const startOffsetMs = roundMs(monotonicMs() - started);
    const outcome = await connectOnce(address, options).promise;
    result.attempts.push({ ...outcome.attempt, startOffsetMs });
    if (!outcome.socket) continue;
    if (result.socket) {
      outcome.socket.destroy();
    } else {
      result.socket = outcome.socket;
      result.connectedAddress = address.address;
    }
  }
  return result;
}

/** Staggered attempts (RFC 8305 §5): the first to connect wins. */
function connectRacing(
  ordered: readonly ResolvedAddress[],
  options: TcpProbeOptions,
  started: number,
): Promise<Connected> {
  return new Promise((resolve) => {
    const attempts: (TcpAttempt | undefined)[] = [];
    const running = new Map<number, () => void>();
    let next = 0;
    let delay: ReturnType<typeof setTimeout> | undefined;
    let winner: { socket: net.Socket; address: string } | undefined;
    const settleIfDone = () => {
      if (running.size > 0 || (!winner && next < ordered.length)) return;
      clearTimeout(delay);
      resolve({
        attempts: attempts.filter((a): a is TcpAttempt => a !== undefined),
        ...(winner ? { socket: winner.socket, connectedAddress: winner.address } : {}),
      });
    };
    const startNext = () => {
      clearTimeout(delay);
      if (winner || next >= ordered.length) {
        settleIfDone();
        return;
      }
      const index = next;
      next += 1;
      const address = ordered[index]!;
      const startOffsetMs = roundMs(monotonicMs() - started);
      const handle = connectOnce(address, options);
      running.set(index, handle.cancel);
      void handle.promise.then((outcome) => {
        running.delete(index);
        attempts[index] = { ...outcome.attempt, startOffsetMs };
        if (outcome.socket) {
          if (winner) {
            outcome.socket.destroy();
          } else {
            winner = { socket: outcome.socket, address: address.address };
            for (const cancel of running.values()) cancel();
          }
        } else if (!winner) {
          // A failed attempt lets the next one start at once (RFC 8305 §5).
          startNext();
          return;
        }
        settleIfDone();
      });
      if (next < ordered.length) delay = setTimeout(startNext, CONNECTION_ATTEMPT_DELAY_MS);
    };
    if (ordered.length === 0) resolve({ attempts: [] });
    else startNext();
  });
}

function connectOnce(
  address: ResolvedAddress,
  options: TcpProbeOptions,
): { promise: Promise<ConnectOutcome>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  const promise = new Promise<ConnectOutcome>((resolve) => {
    const started = monotonicMs();
    const base = { address: address.address, family: address.family, port: options.port };
    const socket = net.connect({ host: address.address, port: options.port, family: address.family });
    let settled = false;
    const finish = (outcome: ConnectOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      socket.removeListener('error', onError);
      if (!outcome.socket) socket.destroy();
      resolve(outcome);
    };
    const ctx = (extra: { detail?: string } = {}) => ({
      host: options.host,
      port: options.port,
      phase: 'connect' as const,
      elapsedMs: roundMs(monotonicMs() - started),
      timeoutMs: options.timeoutMs,
      ...extra,
    });
    const onError = (error: Error) => {
      const durationMs = roundMs(monotonicMs() - started);
      finish({ attempt: { ...base, durationMs, ok: false, error: probeErrorFrom(error, ctx()) } });
    };
    const timer = setTimeout(() => {
      const durationMs = roundMs(monotonicMs() - started);
      finish({ attempt: { ...base, durationMs, ok: false, error: probeFailure('connect_timeout', ctx()) } });
    }, options.timeoutMs);
    socket.once('error', onError);
    socket.once('connect', () => {
      const durationMs = roundMs(monotonicMs() - started);
      // Errors after this point belong to the next layer; keep one listener so none is unhandled.
      socket.on('error', () => undefined);
      finish({ attempt: { ...base, durationMs, ok: true, localPort: socket.localPort }, socket });
    });
    cancel = () => {
      const durationMs = roundMs(monotonicMs() - started);
      finish({ attempt: { ...base, durationMs, ok: false, cancelled: true } });
    };
  });
  return { promise, cancel };
}
