/**
 * `--retries N`: run a probe again when a retry can help — the failure classes of
 * isRetryableClass, and HTTP 502/503/504/429 — with exponential backoff and full jitter (the
 * AWS Architecture Blog's "Exponential Backoff And Jitter"), or the server's Retry-After
 * (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), capped. Never for dns_not_found or
 * certificate errors: the answer would be the same. Every attempt, its outcome and the wait
 * before it are kept in the report. Time is injected, so tests never sleep.
 */
import { isRetryableClass } from '../../../shared/errorClasses.js';
import { MAX_PROBE_RETRIES, type ProbeAttempt, type ProbeReport } from '../../../shared/probe.js';

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export interface RetryOptions {
  retries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A longer Retry-After is cut to this. */
  maxRetryAfterMs?: number;
  clock?: Partial<RetryClock>;
}

export const DEFAULT_BASE_DELAY_MS = 250;
export const DEFAULT_MAX_DELAY_MS = 10_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

/** HTTP statuses worth a retry: gateway errors and explicit "come back later". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
  random: Math.random,
};

/** Full jitter: uniform in [0, min(cap, base · 2^(retry-1))]; `retry` counts from 1. */
export function backoffDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(Math.min(Math.max(random(), 0), 1) * ceiling);
}

/** Retry-After as milliseconds from now: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface RetryDecision {
  retry: boolean;
  /** One line for the attempt's outcome. */
  outcome: string;
  /** The server's Retry-After, when it sent one (uncapped). */
  retryAfterMs?: number;
}

export function retryDecision(report: ProbeReport, nowMs: number): RetryDecision {
  if (report.error) {
    const retry = isRetryableClass(report.error.class);
    return { retry, outcome: `${report.error.class}${retry ? '' : ' (not retryable)'}` };
  }
  if (report.status !== undefined && RETRYABLE_STATUSES.has(report.status)) {
    const http = report.steps.find((s) => s.kind === 'http');
    const lastHop = http?.kind === 'http' ? http.hops[http.hops.length - 1] : undefined;
    const header = lastHop?.headers.find((h) => h.name.toLowerCase() === 'retry-after')?.value;
    const retryAfterMs = parseRetryAfterMs(header, nowMs);
    return {
      retry: true,
      outcome: `HTTP ${report.status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return { retry: false, outcome: report.status !== undefined ? `HTTP ${report.status}` : 'ok' };
}

/** Runs `attempt` up to retries+1 times; the report of the last attempt carries the history. */
export async function runWithRetries(
  attempt: () => Promise<ProbeReport>,
  options: RetryOptions,
): Promise<ProbeReport> {
  const clock: RetryClock = { ...realClock, ...options.clock };
  const retries = Math.min(Math.max(0, Math.floor(options.retries)), MAX_PROBE_RETRIES);
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const cap = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const retryAfterCap = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const history: ProbeAttempt[] = [];
  let waitBeforeMs = 0;
  let waitReason: ProbeAttempt['waitReason'];
  for (let n = 1; ; n += 1) {
    const startedAtMs = clock.now();
    const report = await attempt();
    const decision = retryDecision(report, clock.now());
    const record: ProbeAttempt = {
      attempt: n,
      waitBeforeMs,
      startedAtMs,
      durationMs: report.totalMs,
      ok: report.ok && !RETRYABLE_STATUSES.has(report.status ?? 0),
      outcome: decision.outcome,
    };
    if (waitReason) record.waitReason = waitReason;
    if (report.error) {
      record.errorClass = report.error.class;
      record.message = report.error.message;
    }
    if (report.status !== undefined) record.status = report.status;
    history.push(record);
    if (!decision.retry || n > retries) {
      if (decision.retry && retries > 0) record.outcome += ' (no retries left)';
      return { ...report, attempts: history };
    }
    if (decision.retryAfterMs !== undefined) {
      waitBeforeMs = Math.min(decision.retryAfterMs, retryAfterCap);
      waitReason = 'retry-after';
      record.outcome +=
        decision.retryAfterMs > retryAfterCap
          ? ` (Retry-After ${Math.round(decision.retryAfterMs / 1000)} s, capped)`
          : '';
    } else {
      waitBeforeMs = backoffDelayMs(n, base, cap, clock.random);
      waitReason = 'backoff';
    }
    await clock.sleep(waitBeforeMs);
  }
}
