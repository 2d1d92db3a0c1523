/**
 * The troubleshooting scenarios rules exist for, end to end through the real proxy: a client with
 * backoff against a rule answering 503 + Retry-After twice (the retry chain and its verdict), a
 * rule resetting half the connections (the overview's errors, the filter), and the diff of an
 * injected failure against a success naming the rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Exchange } from '@shared/model.js';
import type { RetryChain } from '@shared/retry.js';
import { computeStatistics } from '@shared/statistics.js';
import { parseFilter } from '@shared/filter.js';
import { analysisHandlers } from '@engine/api/analysisHandlers.js';
import { delay, httpOrigin, startProxy, viaProxy, type Origin, type TestProxy } from './proxyHarness.js';

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A small seeded generator (mulberry32): the 50 % draws are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function origin(): Promise<Origin> {
  const made = await httpOrigin((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  open.push(made);
  return made;
}

async function finishedTo(proxy: TestProxy, url: string, count: number): Promise<Exchange[]> {
  for (let i = 0; i < 200; i += 1) {
    await proxy.engine.idle();
    const done = proxy.engine.exchanges.list().filter((e) => e.request.url === url && e.state !== 'pending');
    if (done.length >= count) return done.sort((a, b) => a.seq - b.seq);
    await delay(25);
  }
  throw new Error(`fewer than ${count} exchanges to ${url} finished`);
}

describe('rules scenarios', () => {
  it('503 with Retry-After twice, then through: the retry chain shows it, honoured, and names the rule', async () => {
    const proxy = await startProxy();
    open.push(proxy);
    const server = await origin();
    await proxy.engine.rules.save([
      {
        name: 'Busy twice',
        match: { path: '/api/orders' },
        times: 2,
        respond: { status: 503, headers: { 'Retry-After': '1' }, body: 'busy' },
      },
    ]);
    const url = `${server.url}/api/orders`;
    // The client: exponential backoff from 200 ms, but never sooner than Retry-After asks.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await viaProxy(proxy, url);
      statuses.push(response.status);
      if (response.status < 500) break;
      const retryAfterMs = Number(response.headers['retry-after'] ?? 0) * 1000;
      await delay(Math.max(200 * 2 ** attempt, retryAfterMs));
    }
    expect(statuses).toEqual([503, 503, 200]);

    const exchanges = await finishedTo(proxy, url, 3);
    expect(exchanges.map((e) => e.rule?.ruleName)).toEqual(['Busy twice', 'Busy twice', undefined]);
    await proxy.engine.idle();
    const chains: RetryChain[] = await analysisHandlers(proxy.engine)['retries:list']!.handle();
    expect(chains).toHaveLength(1);
    const chain = chains[0]!;
    expect(chain.exchangeIds).toEqual(exchanges.map((e) => e.id));
    expect(chain.outcome).toBe('succeeded');
    expect(chain.retryAfter).toBe('honoured');
    expect(chain.attempts.map((a) => a.label)).toEqual([
      '503 Service Unavailable',
      '503 Service Unavailable',
      '200 OK',
    ]);
    expect(proxy.engine.rules.state().hits['busy-twice']).toBe(2);
  });

  it('a rule resetting 50 % of connections: the overview counts the injected errors, the filter finds them, the diff names the rule', async () => {
    const proxy = await startProxy({}, { random: seeded(42) });
    open.push(proxy);
    const server = await origin();
    await proxy.engine.rules.save([
      { id: 'flaky', name: 'Flaky resets', probability: 0.5, fault: { type: 'reset' } },
    ]);
    const total = 40;
    let resets = 0;
    for (let i = 0; i < total; i += 1) {
      try {
        const response = await viaProxy(proxy, `${server.url}/item/${i}`);
        expect(response.status).toBe(200);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
        resets += 1;
      }
    }
    // The binomial 99 % interval of 40 draws at 0.5 is 12..28 (the bench measures it at scale).
    expect(resets).toBeGreaterThanOrEqual(12);
    expect(resets).toBeLessThanOrEqual(28);
    await proxy.engine.idle();
    const exchanges = proxy.engine.exchanges.list().filter((e) => e.request.url.includes('/item/'));
    expect(exchanges).toHaveLength(total);

    // The overview: the failures by class, and the most frequent error naming the rule.
    const stats = computeStatistics(exchanges);
    expect(stats.failed).toBe(resets);
    // Injected failures count apart from real ones, by the class they imitate.
    expect(stats.errorSeries).toEqual(['injected: connection_reset']);
    expect(stats.topErrors[0]).toMatchObject({
      kind: 'error',
      errorClass: 'injected: connection_reset',
      count: resets,
    });
    expect(stats.topErrors[0]!.message).toContain('"Flaky resets"');

    // The filter: is:injected and rule: find exactly those.
    const injected = exchanges.filter(parseFilter('is:injected').predicate);
    expect(injected).toHaveLength(resets);
    expect(exchanges.filter(parseFilter('rule:flaky').predicate)).toHaveLength(resets);
    expect(exchanges.filter(parseFilter('rule:"Flaky resets"').predicate)).toHaveLength(resets);
    for (const exchange of injected) expect(exchange.error?.detail).toBe('connection_reset');

    // The diff of an injected failure against a success: the first line names the rule.
    const success = exchanges.find((e) => e.error === undefined)!;
    const diff = await analysisHandlers(proxy.engine)['diff:exchanges']!.handle(injected[0]!.id, success.id);
    expect(diff.same).toBe(false);
    expect(diff.summary[0]).toContain('NetLens rule "Flaky resets"');
    expect(diff.summary[0]).toContain('reset before the response');
  });
});
