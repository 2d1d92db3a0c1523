import { describe, expect, it } from 'vitest';
import { isSuccessfulExchange, lastSuccessFor } from '@shared/diff.js';
import { makeExchange, makeFailedExchange } from '@fixtures/exchangeFactory.js';

const T0 = 1_750_000_000_000;

describe('lastSuccessFor', () => {
  it('finds the most recent earlier success to the same method, host and path (query ignored)', () => {
    const older = makeExchange({ method: 'POST', url: 'https://api.test/v1/pay?nonce=1', startedAtMs: T0 });
    const newer = makeExchange({
      method: 'POST',
      url: 'https://api.test/v1/pay?nonce=2',
      startedAtMs: T0 + 100,
    });
    const otherPath = makeExchange({
      method: 'POST',
      url: 'https://api.test/v1/refund',
      startedAtMs: T0 + 150,
    });
    const otherMethod = makeExchange({
      method: 'GET',
      url: 'https://api.test/v1/pay',
      startedAtMs: T0 + 160,
    });
    const otherHost = makeExchange({
      method: 'POST',
      url: 'https://api2.test/v1/pay',
      startedAtMs: T0 + 170,
    });
    const failedEarlier = makeExchange({
      method: 'POST',
      url: 'https://api.test/v1/pay',
      status: 500,
      startedAtMs: T0 + 180,
    });
    const failed = makeExchange({
      method: 'POST',
      url: 'https://api.test/v1/pay?nonce=3',
      status: 401,
      startedAtMs: T0 + 200,
    });
    const later = makeExchange({ method: 'POST', url: 'https://api.test/v1/pay', startedAtMs: T0 + 300 });
    const all = [later, older, failed, otherPath, newer, otherMethod, otherHost, failedEarlier];
    expect(lastSuccessFor(all, failed)?.id).toBe(newer.id);
    expect(lastSuccessFor([failed, later], failed)).toBeUndefined();
  });

  it('skips errors and 4xx/5xx; counts 3xx as success', () => {
    const redirect = makeExchange({ url: 'http://a.test/x', status: 302, startedAtMs: T0 });
    const errored = makeFailedExchange({}, { url: 'http://a.test/x', startedAtMs: T0 + 10 });
    const failed = makeExchange({ url: 'http://a.test/x', status: 503, startedAtMs: T0 + 20 });
    expect(isSuccessfulExchange(errored)).toBe(false);
    expect(lastSuccessFor([redirect, errored, failed], failed)?.id).toBe(redirect.id);
  });
});
