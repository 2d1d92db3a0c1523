/**
 * Retry chains end to end: real clients retry against a flaky server on 127.0.0.1 THROUGH the
 * proxy; the engine groups the attempts, judges the backoff, and the HAR carries
 * `_netlens.retry` on every attempt (DESIGN.md, HAR).
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { HarEntry } from '@shared/har.js';
import type { Exchange } from '@shared/model.js';
import type { RetryChain } from '@shared/retry.js';
import { analysisHandlers } from '@engine/api/analysisHandlers.js';
import { delay, httpOrigin, startProxy, viaProxy, type Origin, type TestProxy } from './proxyHarness.js';

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Answers `failures` times with `status` (and optional Retry-After), then 200, per path. */
async function flakyOrigin(
  failures: number,
  status = 503,
  retryAfter?: string,
): Promise<Origin & { hits: () => number }> {
  let hits = 0;
  const origin = await httpOrigin((req, res) => {
    req.resume();
    req.on('end', () => {
      hits += 1;
      if (hits <= failures) {
        res.writeHead(status, {
          'Content-Type': 'application/json',
          ...(retryAfter ? { 'Retry-After': retryAfter } : {}),
        });
        res.end('{"error":"try again"}');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      }
    });
  });
  open.push(origin);
  return Object.assign(origin, { hits: () => hits });
}

async function chainsOf(proxy: TestProxy): Promise<RetryChain[]> {
  await proxy.engine.idle();
  const handler = analysisHandlers(proxy.engine)['retries:list']!;
  return handler.handle();
}

/** Waits (bounded) until `count` exchanges to `url` have finished. */
async function finishedTo(proxy: TestProxy, url: string, count: number): Promise<Exchange[]> {
  for (let i = 0; i < 200; i += 1) {
    await proxy.engine.idle();
    const done = proxy.engine.exchanges.list().filter((e) => e.request.url === url && e.state !== 'pending');
    if (done.length >= count) return done.sort((a, b) => a.seq - b.seq);
    await delay(25);
  }
  throw new Error(`fewer than ${count} exchanges to ${url} finished`);
}

describe('retry chains through the proxy', () => {
  it('a Node client with exponential backoff: one chain, exponential verdict, _netlens.retry on every attempt', async () => {
    const proxy = await startProxy();
    open.push(proxy);
    const origin = await flakyOrigin(4);
    const url = `${origin.url}/api/orders`;

    // The client: up to 6 attempts, waiting 150 ms × 2ⁿ after each 5xx.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await viaProxy(proxy, url);
      statuses.push(response.status);
      if (response.status < 500) break;
      await delay(150 * 2 ** attempt);
    }
    expect(statuses).toEqual([503, 503, 503, 503, 200]);

    const exchanges = await finishedTo(proxy, url, 5);
    const chains = await chainsOf(proxy);
    expect(chains).toHaveLength(1);
    const chain = chains[0]!;
    expect(chain.exchangeIds).toEqual(exchanges.map((e) => e.id));
    expect(chain.attempts.map((a) => a.label)).toEqual([
      ...Array<string>(4).fill('503 Service Unavailable'),
      '200 OK',
    ]);
    expect(chain.outcome).toBe('succeeded');
    expect(chain.backoff.shape).toBe('exponential');
    // Jitter is judged from the waits the proxy sees, which carry the client's scheduling noise
    // (a loaded machine adds tens of ms): the unit tests pin the jitter verdicts, this the shape.
    expect(chain.backoff.factor).toBeGreaterThan(1.6);
    expect(chain.backoff.factor).toBeLessThan(2.4);
    // Timers never fire early: each measured wait is at least what the client slept.
    chain.attempts.slice(1).forEach((attempt, i) => {
      expect(attempt.waitBeforeMs).toBeGreaterThanOrEqual(150 * 2 ** i - 5);
    });
    expect(chain.flags).toEqual([]);
    expect(chain.retryAfter).toBe('not_sent');

    // The live tracker tagged every attempt, and the HAR carries it.
    const chainId = chain.chainId;
    expect(exchanges.map((e) => proxy.engine.exchanges.get(e.id)!.retry)).toEqual([
      { chainId, attempt: 1 },
      { chainId, attempt: 2 },
      { chainId, attempt: 3 },
      { chainId, attempt: 4 },
      { chainId, attempt: 5 },
    ]);
    const har = await proxy.engine.exportHar();
    const entries = har.log.entries.filter((e: HarEntry) => e.request.url === url);
    expect(entries.map((e) => e._netlens?.retry)).toEqual(
      [1, 2, 3, 4, 5].map((attempt) => ({ chainId, attempt })),
    );
  });

  it('a POST that ignores Retry-After and has no Idempotency-Key is flagged; a later request is not grouped', async () => {
    const proxy = await startProxy();
    open.push(proxy);
    const origin = await flakyOrigin(2, 429, '2');
    const url = `${origin.url}/api/payments`;
    const body = '{"amount":1250}';
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await viaProxy(proxy, url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      if (response.status < 400) break;
      await delay(60);
    }
    // A different body to the same URL afterwards: a new request, not a retry.
    await viaProxy(proxy, url, {
      method: 'POST',
      body: '{"amount":99}',
      headers: { 'Content-Type': 'application/json' },
    });
    await finishedTo(proxy, url, 4);
    const chains = await chainsOf(proxy);
    expect(chains).toHaveLength(1);
    const chain = chains[0]!;
    expect(chain.attempts).toHaveLength(3);
    expect(chain.retryAfter).toBe('ignored');
    expect(chain.flags.map((f) => f.kind).sort()).toEqual([
      'non_idempotent_without_key',
      'retry_after_ignored',
    ]);
  });

  it("Python requests with urllib3's Retry: immediate first retry, then exponential", async () => {
    const proxy = await startProxy();
    open.push(proxy);
    const origin = await flakyOrigin(4);
    const url = `${origin.url}/health`;
    const script = [
      'import sys, requests',
      'from requests.adapters import HTTPAdapter',
      'from urllib3.util.retry import Retry',
      's = requests.Session()',
      's.mount("http://", HTTPAdapter(max_retries=Retry(total=5, backoff_factor=0.1, status_forcelist=[503])))',
      'r = s.get(sys.argv[1], proxies={"http": sys.argv[2]}, timeout=10)',
      'print(r.status_code)',
    ].join('\n');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('python3', ['-c', script, url, proxy.url], { timeout: 30_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      );
    });
    expect(stdout.trim()).toBe('200');
    await finishedTo(proxy, url, 5);
    const chain = (await chainsOf(proxy))[0]!;
    expect(chain.attempts).toHaveLength(5);
    expect(chain.outcome).toBe('succeeded');
    // urllib3 2.x: no sleep after the first failure, then backoff_factor × 2ⁿ⁻¹ (0.2, 0.4, 0.8 s).
    expect(chain.backoff.shape).toBe('exponential');
    // Python adds its own per-request overhead to each wait: the factor is near 2, not exactly 2.
    expect(chain.backoff.description).toMatch(/^first retry immediate, then exponential backoff ×/);
    expect(chain.backoff.factor).toBeGreaterThan(1.6);
    expect(chain.backoff.factor).toBeLessThan(2.4);
  });
});
