import { describe, expect, it } from 'vitest';
import { groupRetryChains } from '@engine/analysis/retryChains';
import { expectedBackoff } from '@renderer/views/retries/expectedBackoff';
import { makeExchange } from '@fixtures/exchangeFactory';

const T0 = 1_750_000_000_000;

/** A client retrying a 503 after the given waits, each attempt taking 10 ms. */
function chainWithWaits(waitsMs: number[]) {
  let at = T0;
  const exchanges = [0, ...waitsMs].map((wait, i) => {
    at += wait;
    const exchange = makeExchange({
      url: 'http://127.0.0.1:9/api/items',
      status: i === waitsMs.length ? 200 : 503,
      startedAtMs: at,
      durationMs: 10,
      response: { statusText: i === waitsMs.length ? 'OK' : 'Service Unavailable' },
    });
    at += 10;
    return exchange;
  });
  const [chain] = groupRetryChains(exchanges);
  if (!chain) throw new Error('no chain formed');
  return chain;
}

describe('expectedBackoff', () => {
  it('puts the markers where a doubling backoff from the first wait would start each attempt', () => {
    const chain = chainWithWaits([100, 100, 100]);
    const { factor, baseMs, starts } = expectedBackoff(chain);
    expect(factor).toBe(2);
    expect(baseMs).toBe(100);
    expect(starts.map((s) => s.attempt)).toEqual([3, 4]);
    expect(starts.map((s) => s.waitMs)).toEqual([200, 400]);
    // Counted from the actual end of the previous attempt.
    expect(starts[0]!.startedAtMs).toBe(chain.attempts[1]!.endedAtMs + 200);
  });

  it("follows the chain's own exponential fit, and has nothing to draw below three attempts", () => {
    const exponential = chainWithWaits([100, 300, 900]);
    const { factor, starts } = expectedBackoff(exponential);
    expect(exponential.backoff.shape).toBe('exponential');
    expect(factor).toBeCloseTo(3, 1);
    expect(starts).toHaveLength(2);
    expect(expectedBackoff(chainWithWaits([100])).starts).toEqual([]);
  });
});
