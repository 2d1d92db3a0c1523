import { describe, expect, it } from 'vitest';
import { RuleSet, type RuleRequest } from '@engine/rules/ruleSet.js';

const request = (overrides: Partial<RuleRequest> = {}): RuleRequest => ({
  method: 'GET',
  host: 'api.local',
  port: 443,
  path: '/v1/users?page=2',
  rawHeaders: ['X-Env', 'staging'],
  source: 'chromium#1',
  ...overrides,
});

describe('RuleSet', () => {
  it('matches host, path (without query), method, port, header and source', () => {
    const set = new RuleSet([
      {
        name: 'All',
        match: {
          host: '*.local',
          path: '/v1/*',
          method: 'GET,HEAD',
          port: 443,
          header: { 'x-env': 'stag*' },
          source: 'chromium',
        },
        latency: { ms: 10 },
      },
    ]);
    expect(set.match(request())?.info.ruleName).toBe('All');
    expect(set.match(request({ method: 'POST' }))).toBeUndefined();
    expect(set.match(request({ port: 80 }))).toBeUndefined();
    expect(set.match(request({ path: '/v2/users' }))).toBeUndefined();
    expect(set.match(request({ rawHeaders: ['X-Env', 'prod'] }))).toBeUndefined();
    expect(set.match(request({ source: 'terminal#1' }))).toBeUndefined();
    expect(set.match(request({ host: 'api.remote' }))).toBeUndefined();
  });

  it('skips disabled rules; empty when none is enabled', () => {
    const set = new RuleSet([{ name: 'Off', enabled: false, block: true }]);
    expect(set.empty).toBe(true);
    expect(set.match(request())).toBeUndefined();
  });

  it('first match wins; continue lets later rules add their actions', () => {
    const set = new RuleSet([
      { name: 'Slow', continue: true, latency: { ms: 100 } },
      { name: 'Mock', respond: { status: 503, headers: { 'Retry-After': '1' } } },
      { name: 'Never', block: true },
    ]);
    const plan = set.match(request())!;
    expect(plan.responseDelayMs).toBe(100);
    expect(plan.answer?.status).toBe(503);
    expect(plan.info.actions).toEqual(['latency 100 ms before the response', 'Mock: mock 503']);
    expect(plan.info.alsoRules).toEqual([{ ruleId: 'mock', ruleName: 'Mock' }]);
    expect(set.hits.get('never')).toBeUndefined();
  });

  it('probability: a rule that loses its draw stands aside; times caps how often it acts', () => {
    const draws = [0.7, 0.2];
    const set = new RuleSet(
      [
        { name: 'Third', probability: 0.3, fault: { type: 'reset' } },
        { name: 'Twice', times: 2, respond: { status: 500 } },
      ],
      () => draws.shift() ?? 0,
    );
    expect(set.match(request())?.info.ruleName).toBe('Twice');
    expect(set.match(request())?.info.ruleName).toBe('Third');
    expect(set.match(request())?.info.ruleName).toBe('Third');
    expect(set.hits.get('third')).toBe(2);
    expect(set.hits.get('twice')).toBe(1);
  });

  it('jitter is drawn within ms ± jitterMs', () => {
    for (const draw of [0, 0.5, 0.999]) {
      const set = new RuleSet([{ name: 'J', latency: { ms: 100, jitterMs: 20 } }], () => draw);
      const delay = set.match(request())!.responseDelayMs;
      expect(delay).toBeGreaterThanOrEqual(80);
      expect(delay).toBeLessThanOrEqual(120);
    }
  });

  it('a mock answers HEAD without a body, and says its length otherwise', () => {
    const set = new RuleSet([{ name: 'M', respond: { status: 200, body: 'héllo' } }]);
    const answer = set.match(request())!.answer!;
    expect(answer.rawHeaders).toEqual(['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', '6']);
    expect(set.match(request({ method: 'HEAD' }))!.answer!.bodiless).toBe(true);
  });
});
