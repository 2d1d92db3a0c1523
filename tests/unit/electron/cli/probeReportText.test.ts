import { describe, expect, it } from 'vitest';
import { formatProbeReport } from '@cli/probeReportText.js';
import type { ProbeReport } from '@shared/probe.js';

const ok: ProbeReport = {
  target: 'https://a.test/',
  url: 'https://a.test/',
  scheme: 'https',
  host: 'a.test',
  port: 443,
  ok: true,
  status: 200,
  startedAtMs: 0,
  totalMs: 40,
  timeoutMs: 5000,
  timings: { dns: 5, connect: 10, ssl: 15, send: 0.1, wait: 8, receive: 1.9 },
  attempts: [{ attempt: 1, waitBeforeMs: 0, startedAtMs: 0, durationMs: 40, ok: true, outcome: 'HTTP 200' }],
  steps: [
    {
      kind: 'dns',
      ok: true,
      host: 'a.test',
      resolver: 'system',
      literal: false,
      durationMs: 5,
      cnameChain: [],
      addresses: [{ address: '10.0.0.5', family: 4, flags: ['private'] }],
    },
    {
      kind: 'tcp',
      ok: true,
      port: 443,
      durationMs: 10,
      connectedAddress: '10.0.0.5',
      attempts: [{ address: '10.0.0.5', family: 4, port: 443, startOffsetMs: 0, durationMs: 10, ok: true }],
    },
    {
      kind: 'tls',
      ok: true,
      servername: 'a.test',
      durationMs: 15,
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      alpn: 'http/1.1',
      valid: true,
      ocspStapled: false,
      insecure: false,
      chain: [
        {
          subject: 'CN=a.test',
          issuer: 'CN=CA',
          subjectAltNames: ['a.test'],
          validFromMs: 0,
          validToMs: 86_400_000 * 20_000,
          daysLeft: 42,
          selfSigned: false,
        },
      ],
    },
    {
      kind: 'http',
      ok: true,
      followRedirects: true,
      durationMs: 10,
      hops: [
        {
          url: 'https://a.test/',
          method: 'GET',
          status: 200,
          statusText: 'OK',
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'content-type', value: 'text/plain' }],
          ttfbMs: 8,
          downloadMs: 1.9,
          sizeBytes: 2048,
          timings: { send: 0.1 },
        },
      ],
    },
  ],
};

describe('formatProbeReport', () => {
  it('prints every layer with its time, the flags, the chain and the phase bars', () => {
    const text = formatProbeReport(ok);
    expect(text).toContain('Probe https://a.test/');
    expect(text).toMatch(/DNS\s+a\.test → 1 address via system resolver\s+5\.0 ms/);
    expect(text).toContain('10.0.0.5');
    expect(text).toContain('private (RFC 1918)');
    expect(text).toMatch(/TLS\s+TLSv1\.3, TLS_AES_128_GCM_SHA256, ALPN http\/1\.1/);
    expect(text).toContain('42 days left');
    expect(text).toMatch(/HTTP\s+200 OK\s+HTTP\/1\.1\s+2\.0 KiB/);
    expect(text).toContain('content-type: text/plain');
    expect(text).toMatch(/TLS handshake\s+15 ms/);
    expect(text).toContain('✓ HTTP 200');
    expect(text).not.toContain('Attempts');
  });

  it('ends with the class and the message on failure, and lists the attempts', () => {
    const failed: ProbeReport = {
      ...ok,
      ok: false,
      status: undefined,
      steps: ok.steps.slice(0, 2),
      error: {
        class: 'connect_timeout',
        phase: 'connect',
        elapsedMs: 3000,
        message: 'Failed to connect to a.test:443: TCP connect timed out after 3000 ms.',
      },
      attempts: [
        {
          attempt: 1,
          waitBeforeMs: 0,
          startedAtMs: 0,
          durationMs: 3000,
          ok: false,
          outcome: 'connect_timeout',
          errorClass: 'connect_timeout',
        },
        {
          attempt: 2,
          waitBeforeMs: 180,
          waitReason: 'backoff',
          startedAtMs: 0,
          durationMs: 3000,
          ok: false,
          outcome: 'connect_timeout',
          errorClass: 'connect_timeout',
        },
      ],
    };
    const text = formatProbeReport(failed);
    expect(text).toContain('Attempts');
    expect(text).toMatch(/#2\s+after 180 ms backoff\s+connect_timeout/);
    expect(text.trimEnd().split('\n').slice(-2)).toEqual([
      // The same time, written the same way, in the summary and in the message (shared/format).
      '✗ connect_timeout in connect after 3000 ms',
      '  Failed to connect to a.test:443: TCP connect timed out after 3000 ms.',
    ]);
  });
});
