/**
 * Retries against real servers: which failures are retried, the wait before each attempt
 * (backoff, or the server's Retry-After), and the history in the report. The clock is injected:
 * waits are recorded, never slept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runProbe } from '@engine/probes/probeRunner.js';
import { makeTestPki } from '@fixtures/certificates.js';
import { refusedPort, startHttp, startHttps, type Running } from './probeServers.js';

const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function fakeClock(random = 0.5) {
  const waits: number[] = [];
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  return {
    waits,
    clock: {
      now: () => nowMs,
      sleep: async (ms: number) => {
        waits.push(ms);
        nowMs += ms;
      },
      random: () => random,
    },
  };
}

/** A server answering each request with the next response of the script (the last one repeats). */
async function scripted(
  responses: { status: number; headers?: Record<string, string> }[],
): Promise<Running & { hits: () => number }> {
  let hits = 0;
  const server = await startHttp('127.0.0.1', (_req, res) => {
    const r = responses[Math.min(hits, responses.length - 1)]!;
    hits += 1;
    res.writeHead(r.status, r.headers ?? {}).end(`attempt ${hits}`);
  });
  open.push(server);
  return { ...server, hits: () => hits };
}

describe('probe retries', () => {
  it('retries 503 with exponential backoff and full jitter until it succeeds', async () => {
    const server = await scripted([{ status: 503 }, { status: 503 }, { status: 200 }]);
    const { waits, clock } = fakeClock(0.5);
    const report = await runProbe(
      { target: `http://127.0.0.1:${server.port}/`, retries: 5, timeoutMs: 3000 },
      { clock, baseDelayMs: 100 },
    );
    expect(server.hits()).toBe(3);
    expect(report.status).toBe(200);
    // full jitter with random()=0.5: half of 100·2^0, then half of 100·2^1
    expect(waits).toEqual([50, 100]);
    expect(report.attempts.map((a) => [a.attempt, a.status, a.waitBeforeMs, a.waitReason, a.ok])).toEqual([
      [1, 503, 0, undefined, false],
      [2, 503, 50, 'backoff', false],
      [3, 200, 100, 'backoff', true],
    ]);
  });

  it('honours Retry-After in seconds on 429, and as an HTTP-date on 503, capped', async () => {
    const { waits, clock } = fakeClock();
    const inTwoMinutes = new Date(clock.now() + 120_000).toUTCString();
    const server = await scripted([
      { status: 429, headers: { 'Retry-After': '3' } },
      { status: 503, headers: { 'Retry-After': inTwoMinutes } },
      { status: 200 },
    ]);
    const report = await runProbe(
      { target: `http://127.0.0.1:${server.port}/`, retries: 3, timeoutMs: 3000 },
      { clock, maxRetryAfterMs: 30_000 },
    );
    expect(report.status).toBe(200);
    expect(waits).toEqual([3000, 30_000]);
    expect(report.attempts.map((a) => a.waitReason)).toEqual([undefined, 'retry-after', 'retry-after']);
    expect(report.attempts[1]!.outcome).toContain('HTTP 503');
    expect(report.attempts[1]!.outcome).toContain('capped');
  });

  it('stops after the retries it was given and keeps every attempt', async () => {
    const server = await scripted([{ status: 502 }]);
    const { waits, clock } = fakeClock();
    const report = await runProbe(
      { target: `http://127.0.0.1:${server.port}/`, retries: 2, timeoutMs: 3000 },
      { clock },
    );
    expect(server.hits()).toBe(3);
    expect(waits).toHaveLength(2);
    expect(report.attempts).toHaveLength(3);
    expect(report.attempts[2]!.outcome).toContain('no retries left');
    expect(report.status).toBe(502);
  });

  it('retries a refused connection', async () => {
    const port = await refusedPort('127.0.0.1');
    const { waits, clock } = fakeClock();
    const report = await runProbe({ target: `127.0.0.1:${port}`, retries: 2, timeoutMs: 3000 }, { clock });
    expect(report.attempts.map((a) => a.errorClass)).toEqual([
      'connect_refused',
      'connect_refused',
      'connect_refused',
    ]);
    expect(waits).toHaveLength(2);
    expect(report.error?.class).toBe('connect_refused');
  });

  it('never retries dns_not_found', async () => {
    const { waits, clock } = fakeClock();
    const report = await runProbe(
      { target: 'http://nothing-here.invalid/', retries: 3, timeoutMs: 5000 },
      { clock },
    );
    if (report.error?.class === 'dns_not_found') {
      expect(report.attempts).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(report.attempts[0]!.outcome).toContain('not retryable');
    } else {
      // A resolver that times out instead of answering NXDOMAIN: dns_timeout is retryable.
      expect(report.error?.class).toBe('dns_timeout');
    }
  });

  it('never retries a certificate error', async () => {
    const pki = makeTestPki();
    const server = await startHttps('127.0.0.1', pki.expired, (_req, res) => res.end('x'));
    open.push(server);
    const { waits, clock } = fakeClock();
    const report = await runProbe(
      { target: `https://127.0.0.1:${server.port}/`, retries: 3, timeoutMs: 3000 },
      { clock, ca: [pki.ca.certPem] },
    );
    expect(report.error?.class).toBe('tls_cert_invalid');
    expect(report.attempts).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('does not retry a 404', async () => {
    const server = await scripted([{ status: 404 }]);
    const { waits, clock } = fakeClock();
    const report = await runProbe(
      { target: `http://127.0.0.1:${server.port}/`, retries: 3, timeoutMs: 3000 },
      { clock },
    );
    expect(server.hits()).toBe(1);
    expect(waits).toEqual([]);
    expect(report.status).toBe(404);
    expect(report.ok).toBe(true);
  });
});
