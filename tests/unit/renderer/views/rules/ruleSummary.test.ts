import { describe, expect, it } from 'vitest';
import { actionSummary, matchSummary } from '@renderer/views/rules/ruleSummary';

describe('rule summaries', () => {
  it('say what a rule matches', () => {
    expect(matchSummary({ name: 'x' })).toBe('every request');
    expect(matchSummary({ name: 'x', match: {} })).toBe('every request');
    expect(
      matchSummary({
        name: 'x',
        match: {
          method: 'post',
          host: '*.local',
          port: 8080,
          path: '/v1/*',
          header: { 'X-Env': 'staging', Auth: '' },
          source: 'chromium',
        },
      }),
    ).toBe('POST, host *.local, port 8080, path /v1/*, X-Env: staging, header Auth, from chromium');
  });

  it('say what a rule does, with its probability', () => {
    expect(actionSummary({ name: 'x' })).toBe('no action');
    expect(
      actionSummary({
        name: 'x',
        latency: { ms: 300, jitterMs: 50 },
        bandwidth: { downKBps: 100 },
        probability: 0.1,
        fault: { type: 'reset' },
      }),
    ).toBe('latency 300 ± 50 ms; 100 KB/s down; reset (10 %)');
    expect(actionSummary({ name: 'x', latency: { ms: 2000, where: 'dns' } })).toBe('latency 2000 ms (dns)');
    expect(actionSummary({ name: 'x', fault: { type: 'fail', class: 'connect_refused' } })).toBe(
      'fail as connect_refused',
    );
    expect(
      actionSummary({
        name: 'x',
        respond: { status: 503 },
        rewrite: { responseHeaders: { remove: ['ETag'] } },
      }),
    ).toBe('respond 503; response headers');
    expect(actionSummary({ name: 'x', rewrite: { url: 'http://127.0.0.1:1/' } })).toBe(
      'map remote http://127.0.0.1:1/',
    );
  });
});
