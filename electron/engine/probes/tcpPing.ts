/**
 * TCP ping: the time to complete a TCP handshake with host:port, N times. Needs no privileges
 * and measures what applications feel (a firewall that drops ICMP does not fool it).
 */
import type { ErrorClass } from '../../../shared/errors.js';
import type { PingReport, PingSample } from '../../../shared/probe.js';
import { dnsProbe } from './dnsProbe.js';
import { tcpProbe } from './tcpProbe.js';
import { pingStats } from './pingStats.js';

export interface TcpPingOptions {
  host: string;
  port: number;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  resolver?: string;
  /** Called after each sample (the CLI prints as it goes). */
  onSample?: (sample: PingSample, address: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const MAX_PING_COUNT = 10_000;

export class PingResolveError extends Error {
  override name = 'PingResolveError';
  constructor(
    message: string,
    readonly errorClass: ErrorClass,
  ) {
    super(message);
  }
}

export async function tcpPing(options: TcpPingOptions): Promise<PingReport> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const dns = await dnsProbe({
    host: options.host,
    port: options.port,
    timeoutMs: options.timeoutMs,
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
  if (!dns.ok || dns.addresses.length === 0) {
    throw new PingResolveError(
      dns.error?.message ?? `${options.host} did not resolve.`,
      dns.error?.class ?? 'dns_not_found',
    );
  }
  // Ping one address, as ping does: the first in happy-eyeballs order.
  const target = dns.addresses[0]!;
  const samples: PingSample[] = [];
  const count = Math.min(Math.max(1, Math.floor(options.count)), MAX_PING_COUNT);
  for (let seq = 1; seq <= count; seq += 1) {
    const { step, socket } = await tcpProbe({
      host: options.host,
      port: options.port,
      addresses: [target],
      timeoutMs: options.timeoutMs,
    });
    socket?.destroy();
    const attempt = step.attempts[0];
    const sample: PingSample = attempt?.ok
      ? { seq, ok: true, timeMs: attempt.durationMs }
      : { seq, ok: false, error: attempt?.error?.class ?? 'failed' };
    samples.push(sample);
    options.onSample?.(sample, target.address);
    if (seq < count) await sleep(options.intervalMs);
  }
  return {
    host: options.host,
    port: options.port,
    method: 'tcp',
    address: target.address,
    samples,
    stats: pingStats(samples),
  };
}
