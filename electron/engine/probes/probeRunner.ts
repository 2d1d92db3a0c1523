/**
 * Runs a probe: DNS → TCP → TLS → HTTP, in order, each with its own timeout, stopping at the
 * first layer that fails, then (with retries) again as retryRunner decides. Every phase is
 * bounded, so a probe always ends.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import {
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_PROBE_TIMEOUT_MS,
  type DnsStep,
  type HttpHop,
  type HttpStep,
  type ProbeReport,
  type ProbeRequest,
  type ProbeStep,
  type TcpStep,
  type TlsStep,
} from '../../../shared/probe.js';
import type { NetlensError } from '../../../shared/errors.js';
import { totalTimeMs, type Timings } from '../../../shared/timing.js';
import { dnsProbe } from './dnsProbe.js';
import { tcpProbe } from './tcpProbe.js';
import { tlsProbe } from './tlsProbe.js';
import { httpHop } from './httpProbe.js';
import { parseProbeTarget, type ProbeTarget } from './probeTarget.js';
import { runWithRetries, type RetryClock } from './retryRunner.js';
import { monotonicMs, roundMs } from './probeClock.js';
import { urlHostPort } from '../../../shared/address.js';

export const MIN_PROBE_TIMEOUT_MS = 1;
export const MAX_PROBE_TIMEOUT_MS = 300_000;

export interface ProbeRunOptions {
  /** Extra trusted CA certificates (PEM), e.g. from `--cacert`. */
  ca?: string[];
  /** Injected by tests: retry waits and jitter. */
  clock?: Partial<RetryClock>;
  baseDelayMs?: number;
  maxRetryAfterMs?: number;
}

/** The probe with retries; the report's `attempts` lists every attempt. */
export async function runProbe(request: ProbeRequest, options: ProbeRunOptions = {}): Promise<ProbeReport> {
  const target = parseProbeTarget(request.target);
  return runWithRetries(() => runProbeAttempt(target, request, options), {
    retries: request.retries ?? 0,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
    ...(options.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}),
  });
}

export function effectiveTimeoutMs(request: ProbeRequest): number {
  const value = request.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return Math.min(Math.max(Math.round(value), MIN_PROBE_TIMEOUT_MS), MAX_PROBE_TIMEOUT_MS);
}

interface Connection {
  steps: (DnsStep | TcpStep | TlsStep)[];
  timings: Timings;
  socket?: net.Socket | tls.TLSSocket;
  error?: NetlensError;
}

async function openConnection(
  host: string,
  port: number,
  useTls: boolean,
  alpn: string[],
  request: ProbeRequest,
  options: ProbeRunOptions,
): Promise<Connection> {
  const timeoutMs = effectiveTimeoutMs(request);
  const dns = await dnsProbe({
    host,
    port,
    timeoutMs,
    ...(request.resolver ? { resolver: request.resolver } : {}),
  });
  const timings: Timings = { dns: dns.literal ? undefined : dns.durationMs };
  if (!dns.ok) return { steps: [dns], timings, ...(dns.error ? { error: dns.error } : {}) };
  const tcp = await tcpProbe({
    host,
    port,
    addresses: dns.addresses,
    timeoutMs,
    ...(request.allAddresses ? { allAddresses: true } : {}),
  });
  timings.connect = tcp.step.durationMs;
  if (!tcp.socket)
    return { steps: [dns, tcp.step], timings, ...(tcp.step.error ? { error: tcp.step.error } : {}) };
  if (!useTls) return { steps: [dns, tcp.step], timings, socket: tcp.socket };
  const secured = await tlsProbe({
    socket: tcp.socket,
    host,
    port,
    timeoutMs,
    alpnProtocols: alpn,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(request.insecure ? { insecure: true } : {}),
  });
  timings.ssl = secured.step.durationMs;
  if (!secured.socket) {
    tcp.socket.destroy();
    return {
      steps: [dns, tcp.step, secured.step],
      timings,
      ...(secured.step.error ? { error: secured.step.error } : {}),
    };
  }
  return { steps: [dns, tcp.step, secured.step], timings, socket: secured.socket };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One attempt: every layer once (plus redirect hops). */
export async function runProbeAttempt(
  target: ProbeTarget,
  request: ProbeRequest,
  options: ProbeRunOptions = {},
): Promise<ProbeReport> {
  const startedAtMs = Date.now();
  const started = monotonicMs();
  const timeoutMs = effectiveTimeoutMs(request);
  const report: ProbeReport = {
    target: request.target,
    scheme: target.scheme,
    host: target.host,
    port: target.port,
    ok: false,
    startedAtMs,
    totalMs: 0,
    timings: {},
    steps: [],
    attempts: [],
    timeoutMs,
  };
  if (target.url) report.url = target.url.href;
  const done = (error?: NetlensError): ProbeReport => {
    // Like HAR's `time`: the sum of the phases, so the total matches the bars drawn from them.
    // The probe's own work between phases (parsing certificates, wording errors) is not network time.
    report.totalMs = roundMs(totalTimeMs(report.timings));
    report.wallMs = roundMs(monotonicMs() - started);
    if (error) report.error = error;
    else report.ok = true;
    return report;
  };

  if (!target.url) {
    // tcp or tls: the connection is the whole probe.
    const alpn = ['h2', 'http/1.1'];
    const connection = await openConnection(
      target.host,
      target.port,
      target.scheme === 'tls',
      alpn,
      request,
      options,
    );
    connection.socket?.destroy();
    report.steps = connection.steps;
    report.timings = connection.timings;
    return done(connection.error);
  }

  // HTTP(S): the probe speaks HTTP/1.1, so it offers only that in ALPN (the TLS step still shows
  // what the server picked); a tls:// probe offers h2 too.
  const follow = request.followRedirects !== false;
  const maxRedirects = Math.max(0, Math.min(request.maxRedirects ?? DEFAULT_MAX_REDIRECTS, 20));
  const method = request.method ?? 'GET';
  const hops: HttpHop[] = [];
  const http: HttpStep = { kind: 'http', ok: false, hops, followRedirects: follow, durationMs: 0 };
  const totals: Timings = {};
  let url = target.url;
  let steps: ProbeStep[] = [];
  let error: NetlensError | undefined;
  for (let hopIndex = 0; ; hopIndex += 1) {
    const { host, port } = urlHostPort(url);
    const connection = await openConnection(
      host,
      port,
      url.protocol === 'https:',
      ['http/1.1'],
      request,
      options,
    );
    if (hopIndex === 0) steps = [...connection.steps];
    addTimings(totals, connection.timings);
    if (!connection.socket) {
      if (hopIndex > 0) {
        hops.push(failedHop(url, method, connection));
        steps.push(http);
      }
      error = connection.error;
      break;
    }
    if (hopIndex === 0) steps.push(http);
    const result = await httpHop({ socket: connection.socket, url, method, timeoutMs });
    const hopTimings: Timings = { ...connection.timings, send: result.sendMs };
    if (result.waitMs !== undefined) hopTimings.wait = result.waitMs;
    if (result.receiveMs !== undefined) hopTimings.receive = result.receiveMs;
    addTimings(totals, { send: hopTimings.send, wait: hopTimings.wait, receive: hopTimings.receive });
    if (result.hop) {
      const hop: HttpHop = { ...result.hop, timings: hopTimings };
      if (hopIndex > 0) hop.connection = connection.steps;
      hops.push(hop);
      report.status = hop.status;
    }
    if (result.error) {
      error = result.error;
      break;
    }
    const hop = hops[hops.length - 1];
    if (!hop || !REDIRECT_STATUSES.has(hop.status) || !hop.location) break;
    if (!follow) {
      http.redirectNotFollowed = `redirect to ${hop.location} not followed (--no-follow)`;
      break;
    }
    if (hopIndex >= maxRedirects) {
      http.redirectNotFollowed = `redirect to ${hop.location} not followed: limit of ${maxRedirects} redirects reached`;
      break;
    }
    let next: URL;
    try {
      next = new URL(hop.location);
    } catch {
      http.redirectNotFollowed = `redirect to an invalid Location (${hop.location})`;
      break;
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      http.redirectNotFollowed = `redirect to a ${next.protocol} URL, which the probe does not follow`;
      break;
    }
    url = next;
  }
  http.durationMs = roundMs(
    hops.reduce(
      (sum, h) => sum + (h.timings.send ?? 0) + (h.timings.wait ?? 0) + (h.timings.receive ?? 0),
      0,
    ),
  );
  http.ok = error === undefined && hops.length > 0;
  if (error && steps.includes(http)) http.error = error;
  report.steps = steps;
  report.timings = totals;
  return done(error);
}

function failedHop(url: URL, method: string, connection: Connection): HttpHop {
  return {
    url: url.href,
    method,
    status: 0,
    statusText: '',
    httpVersion: '',
    headers: [],
    ttfbMs: 0,
    downloadMs: 0,
    sizeBytes: 0,
    timings: connection.timings,
    connection: connection.steps,
  };
}

function addTimings(into: Timings, add: Timings): void {
  for (const [phase, value] of Object.entries(add) as [keyof Timings, number | undefined][]) {
    if (value === undefined) continue;
    into[phase] = roundMs((into[phase] ?? 0) + value);
  }
}
