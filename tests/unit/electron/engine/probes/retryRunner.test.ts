import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  parseRetryAfterMs,
  retryDecision,
  runWithRetries,
} from '@engine/probes/retryRunner.js';
import type { ProbeReport } from '@shared/probe.js';
import type { ErrorClass } from '@shared/errors.js';

function report(patch: Partial<ProbeReport> & { retryAfter?: string } = {}): ProbeReport {
  const { retryAfter, ...rest } = patch;
  return {
    target: 'http://x.test/',
    scheme: 'http',
    host: 'x.test',
    port: 80,
    ok: true,
    startedAtMs: 0,
    totalMs: 5,
    timings: {},
    steps: [
      {
        kind: 'http',
        ok: true,
        followRedirects: true,
        durationMs: 1,
        hops: [
          {
            url: 'http://x.test/',
            method: 'GET',
            status: patch.status ?? 200,
            statusText: '',
            httpVersion: 'HTTP/1.1',
            headers: retryAfter ? [{ name: 'Retry-After', value: retryAfter }] : [],
            ttfbMs: 1,
            downloadMs: 0,
            sizeBytes: 0,
            timings: {},
          },
        ],
      },
    ],
    attempts: [],
    timeoutMs: 1000,
    ...rest,
  };
}

function failed(errorClass: ErrorClass): ProbeReport {
  return report({
    ok: false,
    steps: [],
    error: { class: errorClass, phase: 'connect', elapsedMs: 1, message: errorClass },
  });
}

describe('backoffDelayMs (full jitter)', () => {
  it('grows exponentially up to the cap and scales by random()', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, 100, 1000, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelayMs(3, 100, 1000, () => 0.25)).toBe(100);
    expect(backoffDelayMs(3, 100, 1000, () => 0)).toBe(0);
  });

  it('keeps random() within [0, 1]', () => {
    expect(backoffDelayMs(1, 100, 1000, () => 7)).toBe(100);
    expect(backoffDelayMs(1, 100, 1000, () => -1)).toBe(0);
  });
});

describe('parseRetryAfterMs (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP-date, relative to now, never negative', () => {
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-5', now)).toBeUndefined();
    expect(parseRetryAfterMs('1.5', now)).toBeUndefined();
  });
});

describe('retryDecision', () => {
  it.each<[ErrorClass, boolean]>([
    ['connect_timeout', true],
    ['connect_refused', true],
    ['connection_reset', true],
    ['response_timeout', true],
    ['dns_timeout', true],
    ['dns_not_found', false],
    ['tls_cert_invalid', false],
    ['tls_handshake_failed', false],
    ['protocol_error', false],
  ])('%s → retry %s', (errorClass, retry) => {
    expect(retryDecision(failed(errorClass), 0).retry).toBe(retry);
  });

  it.each([
    [429, true],
    [502, true],
    [503, true],
    [504, true],
    [500, false],
    [404, false],
    [200, false],
  ])('HTTP %i → retry %s', (status, retry) => {
    expect(retryDecision(report({ status }), 0).retry).toBe(retry);
  });

  it('passes Retry-After on', () => {
    expect(retryDecision(report({ status: 429, retryAfter: '7' }), 0)).toMatchObject({
      retry: true,
      retryAfterMs: 7000,
    });
  });
});

describe('runWithRetries', () => {
  it('records each attempt with the wait before it, without sleeping', async () => {
    const outcomes = [
      failed('connect_refused'),
      report({ status: 503, retryAfter: '2' }),
      report({ status: 200 }),
    ];
    const waits: number[] = [];
    const now = 1000;
    const result = await runWithRetries(async () => outcomes.shift()!, {
      retries: 5,
      baseDelayMs: 100,
      clock: { now: () => now, sleep: async (ms) => void waits.push(ms), random: () => 1 },
    });
    expect(waits).toEqual([100, 2000]);
    expect(result.status).toBe(200);
    expect(
      result.attempts.map((a) => [a.attempt, a.waitBeforeMs, a.waitReason, a.errorClass, a.status]),
    ).toEqual([
      [1, 0, undefined, 'connect_refused', undefined],
      [2, 100, 'backoff', undefined, 503],
      [3, 2000, 'retry-after', undefined, 200],
    ]);
  });

  it('runs once with no retries', async () => {
    let calls = 0;
    const result = await runWithRetries(
      async () => {
        calls += 1;
        return failed('connect_timeout');
      },
      { retries: 0, clock: { sleep: async () => undefined } },
    );
    expect(calls).toBe(1);
    expect(result.attempts).toHaveLength(1);
  });
});
