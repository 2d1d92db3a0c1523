/**
 * TCP step: connect to each resolved address in happy-eyeballs order (RFC 8305 §4), one attempt
 * at a time so each attempt's time and failure are visible, and stop at the first success
 * unless every address is wanted. Each attempt is bounded by the phase timeout.
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

export async function tcpProbe(options: TcpProbeOptions): Promise<TcpProbeResult> {
  const started = monotonicMs();
  const ordered = happyEyeballsOrder(options.addresses).slice(0, MAX_TCP_ATTEMPTS);
  const attempts: TcpAttempt[] = [];
  let socket: net.Socket | undefined;
  let connectedAddress: string | undefined;
  for (const address of ordered) {
    const startOffsetMs = roundMs(monotonicMs() - started);
    const outcome = await connectOnce(address, options);
    attempts.push({ ...outcome.attempt, startOffsetMs });
    if (outcome.socket) {
      if (!socket) {
        socket = outcome.socket;
        connectedAddress = address.address;
      } else {
        outcome.socket.destroy();
      }
      if (!options.allAddresses) break;
    }
  }
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

function connectOnce(address: ResolvedAddress, options: TcpProbeOptions): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
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
  });
}
